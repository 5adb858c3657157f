import { Box, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { useT } from '../../utils/translate';

export type SankeyLink = { source: string; target: string; customers: number };

const WIDTH = 720;
const NODE = 14;
const GAP = 10;
const PAD = 150;
const COLORS = ['#4945ff', '#0c75af', '#328048', '#d9822f', '#ac73e6', '#ee5e52', '#7b79ff', '#66b7f1'];

/**
 * A two-column Sankey in SVG (no chart plugin): nodes where customers were at the start (left) and
 * at the end (right), each as tall as its customers; a link's band as thick as its customers.
 * Clicking a band picks that flow; so do Enter and Space on a band reached with Tab (each band
 * is a button named by its flow, outlined while focused).
 */
export const FlowSankey = ({
  links,
  label,
  onPick,
  picked,
}: {
  links: SankeyLink[];
  label: (id: string) => string;
  onPick: (l: SankeyLink) => void;
  picked?: SankeyLink | null;
}) => {
  const t = useT();
  const { formatNumber } = useIntl();
  const shown = links.filter((l) => l.customers > 0);
  const total = shown.reduce((s, l) => s + l.customers, 0);
  if (total === 0) return null;
  const ids = (side: 'source' | 'target') =>
    [...new Set(shown.map((l) => l[side]))].sort((a, b) => (a === 'none' ? 1 : b === 'none' ? -1 : a.localeCompare(b)));
  const left = ids('source');
  const right = ids('target');
  const height = Math.max(200, Math.min(600, 40 * Math.max(left.length, right.length) + 120));
  const scale = (height - GAP * (Math.max(left.length, right.length) - 1)) / total;
  const place = (nodes: string[], side: 'source' | 'target') => {
    let y = 0;
    const at = new Map<string, { y: number; h: number; used: number }>();
    for (const n of nodes) {
      const h = shown.filter((l) => l[side] === n).reduce((s, l) => s + l.customers, 0) * scale;
      at.set(n, { y, h, used: 0 });
      y += h + GAP;
    }
    return at;
  };
  const l = place(left, 'source');
  const r = place(right, 'target');
  const color = (id: string) => (id === 'none' ? '#a5a5ba' : COLORS[[...new Set([...left, ...right])].indexOf(id) % COLORS.length]);
  const x0 = PAD;
  const x1 = WIDTH - PAD;
  const bands = [...shown]
    .sort((a, b) => left.indexOf(a.source) - left.indexOf(b.source) || right.indexOf(a.target) - right.indexOf(b.target))
    .map((link) => {
      const s = l.get(link.source)!;
      const t = r.get(link.target)!;
      const h = link.customers * scale;
      const ys = s.y + s.used + h / 2;
      const yt = t.y + t.used + h / 2;
      s.used += h;
      t.used += h;
      const mid = (x0 + NODE + x1) / 2;
      return { link, h, d: `M${x0 + NODE},${ys} C${mid},${ys} ${mid},${yt} ${x1},${yt}` };
    });
  const isPicked = (k: SankeyLink) => picked && picked.source === k.source && picked.target === k.target;
  return (
    <Box overflow="auto">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="group"
        aria-label={t('flow.segments')}
        data-testid="ci-flow-sankey"
        style={{ maxWidth: WIDTH }}
      >
        <style>{'.ci-flow-band:focus { outline: none; stroke-opacity: 0.75; } .ci-flow-band:focus-visible { stroke-dasharray: 6 3; }'}</style>
        {bands.map(({ link, h, d }) => {
          const name = t('flow.band', { from: label(link.source), to: label(link.target), n: formatNumber(link.customers) });
          return (
            <path
              key={`${link.source}-${link.target}`}
              className="ci-flow-band"
              d={d}
              fill="none"
              stroke={color(link.source)}
              strokeOpacity={isPicked(link) ? 0.75 : 0.35}
              strokeWidth={Math.max(1, h)}
              style={{ cursor: 'pointer' }}
              role="button"
              tabIndex={0}
              aria-label={name}
              aria-pressed={Boolean(isPicked(link))}
              onClick={() => onPick(link)}
              onKeyDown={(event) => {
                if (event.key !== 'Enter' && event.key !== ' ') return;
                event.preventDefault(); // Space would scroll the page
                onPick(link);
              }}
              data-testid={`ci-flow-link-${link.source}-${link.target}`}
            >
              <title>{name}</title>
            </path>
          );
        })}
        {[...l].map(([id, n]) => (
          <g key={`l${id}`}>
            <rect x={x0} y={n.y} width={NODE} height={Math.max(1, n.h)} fill={color(id)} />
            <text x={x0 - 6} y={n.y + n.h / 2} textAnchor="end" dominantBaseline="middle" fontSize={12}>
              {label(id)}
            </text>
          </g>
        ))}
        {[...r].map(([id, n]) => (
          <g key={`r${id}`}>
            <rect x={x1} y={n.y} width={NODE} height={Math.max(1, n.h)} fill={color(id)} />
            <text x={x1 + NODE + 6} y={n.y + n.h / 2} dominantBaseline="middle" fontSize={12}>
              {label(id)}
            </text>
          </g>
        ))}
      </svg>
      <Typography variant="pi" textColor="neutral600" data-testid="ci-flow-total" data-total={total}>
        {t('flow.total', { n: formatNumber(total) })}
      </Typography>
    </Box>
  );
};

/**
 * What the contracts cannot say in a schema: one line per endpoint (the OpenAPI `summary`) and,
 * where an answer needs it, its meaning (`description`). Keyed by handler, `<module>.<action>`;
 * a unit test requires one for every endpoint of the contracts.
 */
export type Note = { summary: string; description?: string };

/** Who may approve or reject a maker-checker request. */
const DECIDING =
  "The caller must hold the kind's approve action (`export.approve`; 403 otherwise) and must not be the requester (403 naming why). Only a pending, unexpired request is decided (409 otherwise; an expired one is marked `expired`).";

export const NOTES: Record<string, Note> = {
  'approvals.list': {
    summary: 'Maker-checker requests the caller may see, newest first',
    description:
      'Any admin user: their own requests, and every request of the kinds whose approve action they hold (`export.approve`). Filter by `status` and `kind`. A pending request past its expiry is answered `expired`.',
  },
  'approvals.get': { summary: 'One request (404 when the caller may not see it)' },
  'approvals.approve': {
    summary: 'Approve a pending request: its work runs once, on behalf of the requester',
    description: `${DECIDING} Of concurrent approvals exactly one succeeds (the others 409). For an export the answer is \`executed\` with the \`jobId\` whose file the requester downloads at \`/exports/{jobId}/file\`; \`failed\` with \`error\` when it could not start (e.g. the requester lost the export permission).`,
  },
  'approvals.reject': { summary: 'Reject a pending request, with a required comment', description: DECIDING },
  'approvals.cancel': {
    summary: 'The requester withdraws their pending request',
    description: 'Only the requester (403 otherwise); only while pending (409).',
  },

  'audit.list': {
    summary: 'The audit log: who did what, when, from where; newest first',
    description:
      'Needs `audit.read`. Every write to the plugin (refusals included), every file download and every profile read by a caller who sees contact data. Entries are never changed through the API; they are kept `audit.keepDays` (default 90).',
  },
  'audit.export': { summary: 'The audit entries of a filter as CSV', description: 'Needs `audit.read`. The download itself is audited.' },

  'crm.customerProfile': {
    summary: "A customer's profile for an integrator: basic info, tags, segments, value scores and latest behaviour",
    description:
      'The admin profile card (contact, relations, tags, the latest orders and interactions, metrics, value scores) plus the segments holding the customer now. Email, phone and notes are masked unless the token is a custom one granted `plugin::client-insights.sensitive.view`; tags and segments are those the token may see (`global`, or every one for a token named in `CI_RESTRICTED_TOKENS`). Also the GraphQL query `crmCustomerProfile(id)`.',
  },
  'crm.createTags': {
    summary: 'Create one tag or a list of them, all or none',
    description:
      'The body is one tag or a list of at most 100, either also wrapped as `{ "data": … }` (the admin API\'s tag fields: name, slug, category of `basic`, `behavior`, `value`, `risk`, description, color, rule, visibility). Every item is checked before any is written and all are written in one transaction: a refusal names the item (`/2/slug`) and creates nothing. The answer lists the created tags in order. Also the GraphQL mutation `crmCreateTags(data)`.',
  },
  'crm.applyTag': {
    summary: 'Give a tag to listed customers',
    description:
      '`customer_ids` (1 to 10,000), `tag_id` and `source` (`api`, the default, `import` or `manual`, recorded on each new assignment). A tag the token may not see, or ids that name no customer, are refused (400 at `/tag_id` or `/customer_ids`, the unknown ids listed) and nothing is tagged. Customers who already carry the tag keep their assignment as it was. Also the GraphQL mutation `crmApplyTag(tagId, customerIds, source)`.',
  },
  'crm.updateTag': {
    summary: 'Change a tag (not its slug)',
    description: 'A tag the token may not see answers 404. Also the GraphQL mutation `crmUpdateTag(id, data)`.',
  },
  'crm.deleteTag': {
    summary: 'Delete a tag with its assignments',
    description:
      'Refused (409) while a segment rule names the tag in `has_tag`; a tag the token may not see answers 404. Also the GraphQL mutation `crmDeleteTag(id)`.',
  },

  'customers.list': {
    summary: 'Customers, filtered, sorted and paginated',
    description:
      'Filters: `q`, `stage`, `region`, `tag` (slug or id of a tag the caller may see, others answer 400 at `/tag`; unexpired assignments), `owner` (admin user id), `segment` (id or key of a segment the caller may see; others answer 400 at `/segment`) and the value-chart drill-downs. `sort` is one of `name`, `totalSpent`, `customerSince`, `lastActivity` with `:asc` or `:desc` (anything else: 400 at `/sort`); customers without a value come last. Contact fields are masked for callers without `sensitive.view`.',
  },
  'customers.export': {
    summary: 'Every customer of the same filter, as a CSV file',
    description:
      'Needs the `export` action besides `segments.read`. Labels and codes in `locale` (else Accept-Language, else en), dates in `timeZone` (default UTC); UTF-8 with a byte order mark. An export that needs approval (contact data unmasked, or more rows than `exports.approvalRows`) is refused here with 403 `ApprovalRequiredError`: request it with `POST /exports` and a reason.',
  },
  'customers.followUpTasks': {
    summary: 'One open follow-up task per customer of the filtered list',
    description: "Also checked against the Task content type's own create permission. At most 500 customers.",
  },
  'customers.profile': { summary: "A customer's profile: contact, consent per channel, relations, tags, timeline, metrics and value scores" },
  'customers.addTag': { summary: 'Tag a customer by hand (optionally until `expiresAt`)' },
  'customers.setConsent': {
    summary: "Record a customer's consent on one channel (granted or withdrawn, with its source)",
    description:
      'Channels: `email`, `sms`, `phone`, `push`. Answers every channel; a channel never recorded is `granted: null` and, like a withdrawn one, does not allow contact (automation checks before it sends). Audited with the consent before and after.',
  },
  'customers.removeTag': { summary: 'Remove a tag from a customer' },

  'docs.openapi': {
    summary: 'This document',
    description: 'Generated from the contracts at startup and cached; `docs/openapi.json` in the repository is the same document.',
  },

  'exports.start': {
    summary: 'Export the customer list under a filter, or the members of a segment result, as a CSV file written in the background',
    description:
      'Needs the `export` action besides `segments.read`. 202 with the job: follow it at `/jobs/{jobId}` (progress is rows written / rows counted; cancel there), then download `/exports/{jobId}/file`. The data is what the asking user may see when they ask. Labels and codes in `locale`, dates in `timeZone`, as the direct exports. An export that needs approval (it would carry contact data unmasked, or more rows than `exports.approvalRows`, default 10000) answers 400 at `/reason` without a `reason`, and with one 202 with the pending approval request (`meta.approval: true`) instead of a job: once another user approves it (`/approvals/{id}/approve`), its job runs for the requester.',
  },
  'exports.file': {
    summary: "The written file of one's own export",
    description: `404 for another user's export; 409 until the job has succeeded; 410 once the file was deleted (24 hours after it was written).`,
  },
  'jobs.get': {
    summary: 'A tracked job of any kind (tag-rule run, export, value refresh): status, phase, progress, result',
    description: 'Answered to callers who may start its kind; an export only to the user who asked for it. Others get 404.',
  },
  'jobs.cancel': {
    summary: 'Cancel a tracked job',
    description:
      '200 with the job `cancelled` (it was queued); 202 with it still `running` and `cancelRequested` (it stops at its next check); 409 once it has finished.',
  },

  'privacy.exportData': {
    summary: 'Everything held about one customer, machine-readable (a data-protection access request)',
    description:
      'Needs `sensitive.view` and `export`; audited. The customer with every field, their orders, interactions and tasks, and every row the plugin derived from them.',
  },
  'privacy.erase': {
    summary: "Erase one customer's personal data",
    description:
      'Needs `personal-data.erase` (the Super Admin only, by default). In one transaction: the customer, their interactions and tasks, and every plugin row derived from them (metrics, activity copies, tags, scores, memberships and snapshots, value history) are deleted; orders stay for the accounts, unlinked from the person; audit entries about them keep the fact and lose their details. Written export files are deleted. The erasure itself is audited.',
  },

  'overview.counts': { summary: 'Row counts: customers, segments, tags, orders, interactions' },
  'overview.kpis': { summary: 'The KPI board: each figure with its previous period, a monthly series and the rule behind it' },
  'overview.valueCharts': { summary: 'Value charts: the R×M scatter by quadrant, quadrant summaries and the CLV histogram' },

  'rules.catalogue': { summary: 'The rule language: fields, operators, event types, order kinds and statuses, limits' },
  'rules.preview': {
    summary: 'Match a rule against the customers now, storing nothing',
    description:
      "A refused rule is a 400 with pointers under `/rule`; an accepted one answers its count, share, a sample, the churn-risk spread and warnings. With `parent` (or the `segmentId` of a child being edited) it is counted within the parent's rules, as the child's runs materialise it, and `scope` names the parent.",
  },
  'rules.validate': { summary: 'Check a rule: 400 with pointers under `/rule` when refused, else its warnings' },

  'segments.list': { summary: 'Segments the caller may see, paginated' },
  'segments.create': {
    summary: 'Create a segment',
    description: 'A static segment is materialised at once; a dynamic one with `execute: true`. The key is unique (400 when taken).',
  },
  'segments.tree': { summary: 'The segment hierarchy, roots first' },
  'segments.primary': { summary: "Each customer's primary segment (lowest priority number, ties to the lowest id)" },
  'segments.results': { summary: 'Run results, newest first (optionally of one segment)' },
  'segments.result': { summary: 'One run, by execution id or run id, with its live phase and progress' },
  'segments.cancelRun': {
    summary: 'Cancel a run',
    description:
      '200 with the run `cancelled` (it was queued); 202 with it still `running` and `cancelRequested` (it stops at its next phase, its membership rolled back); 409 once it has finished.',
  },
  'segments.resultCustomers': {
    summary: "A run's members, or those it added, removed or kept (`change`), paginated",
    description: "410 when retention removed the run's snapshot.",
  },
  'segments.exportResult': {
    summary: "A run's members (or one `change`) as a streamed CSV file",
    description:
      'Contact fields are not exported. Needs the `export` action besides `segments.read`. Labels and codes in `locale` (else Accept-Language, else en), dates in `timeZone` (default UTC); UTF-8 with a byte order mark. More members than `exports.approvalRows` (default 10000): 403 `ApprovalRequiredError`; an admin user requests it with `POST /exports` and a reason.',
  },
  'segments.get': { summary: 'One segment (by id, documentId or key) with its current run' },
  'segments.update': { summary: "Change any subset of a segment's fields" },
  'segments.remove': {
    summary: 'Delete a segment with its runs and membership',
    description: '409 when it has children or another rule names it in `in_segment`.',
  },
  'segments.execute': {
    summary: 'Run a segment now',
    description:
      '200 with the finished run (`wait: true`), 202 with the queued one (`wait: false`), `data: null` when a run is already going. Re-freezing a static segment needs `snapshot: true` (else 409).',
  },
  'segments.currentCustomers': { summary: "A segment's current members, paginated", description: '`meta.calculated` is false before its first run.' },

  'segmentHistory.history': {
    summary: "A segment's history: its versions and runs in one timeline, newest first",
    description:
      'Each version: its number, when, who (admin user, API token or the system), by which path (`plugin`, `content-manager`, `rest`, `graphql`, `restore`, `system`, `backfill`), the fields it changed and the state it left. Each run: its result and who asked for it (`system` for schedules and value refreshes). A segment without versions gets version 1 from its current state (`backfill`) on first read.',
  },
  'segmentHistory.diff': {
    summary: 'What changed between two versions of a segment',
    description:
      '`from` and `to` (default: the latest) are version numbers; an unknown one answers 404. `settings`: each changed setting before and after; `rule`: the conditions added, removed or changed, each at a JSON pointer into the canonical form of the rule it belongs to (`ruleBefore` for removed ones, `ruleAfter` for the others).',
  },
  'segmentHistory.version': { summary: 'One version of a segment, with the state it left' },
  'segmentHistory.restore': {
    summary: 'Restore a version: a new version equal to it',
    description:
      'Needs `segments.update`. Runs as an update of every field the version holds but the key (validation, parent and hierarchy checks, duplicate-rule warnings, audit); the new version names the restored one in `restoredFrom`. 409 when the version is the current state; 400 naming `/parent` when its parent segment no longer exists, and 400 when its visibility would hide the segment from the caller (a token restoring a `team` or `private` version).',
  },
  'segmentHistory.runMembers': {
    summary: 'The members of a past run of a segment, paginated',
    description:
      'Rebuilt from the enter/exit events up to the run (kept for as long as the segment exists), or from its member snapshot when the events do not account for every member it counted; `meta.membership` says which and whether the list is `complete`. A run of another segment answers 404, a run without membership (failed, cancelled, queued) 409.',
  },
  'segmentHistory.compareRuns': {
    summary: 'Two runs of a segment compared: member counts, and who was added (or removed) from one to the other',
    description: '`from` and `to` are runs of this segment (run id or execution id); `change` picks the list (`added` by default), paginated.',
  },

  'tags.list': { summary: 'Tags, by category or text' },
  'tags.create': { summary: 'Create a tag (manual, or automatic with a rule)' },
  'tags.merge': {
    summary: 'Merge one tag into another: its assignments move to the target, then it is deleted',
    description: '409 while a segment rule uses it.',
  },
  'tags.get': { summary: 'One tag with its usage and last rule run' },
  'tags.update': { summary: 'Change a tag (not its slug)' },
  'tags.bulk': {
    summary: "Apply a tag to, or remove it from, a segment's members, listed customers or the customer list's filter",
    description:
      "Exactly one of `segment`, `customerIds` or `filter` (the customer list's filter object). Listed ids that name no customer are not an error: the others are tagged and the unknown ones come back, sorted, in `missing`.",
  },
  'tags.runRule': {
    summary: "Run a tag's rule: tag the customers it matches, untag those it had tagged that no longer match",
    description:
      '202 with the run as a job (poll `/jobs/{jobId}`; its `result` gives matched, added, removed); `started: false` when one was already going for this tag. 400 when the tag has no rule.',
  },

  'values.rfmMatrix': { summary: 'The latest R×F matrix with average M and quadrant counts' },
  'values.calculate': {
    summary: 'Recalculate every value model',
    description: '202 with the job; `started: false` when one was already going (it answers that one). Poll `calculate/{jobId}`.',
  },
  'values.calculationStatus': { summary: 'A recalculation job: status, phase and progress' },
  'values.cancelCalculation': {
    summary: 'Cancel a recalculation',
    description:
      '200 with the job `cancelled` (it was queued); 202 with it still `running` and `cancelRequested` (the published scores stay); 409 once it has finished.',
  },
  'values.migration': { summary: 'Customers moving between quadrants from one value run to another (the two latest by default)' },
  'values.models': { summary: 'The models fitted by a value run (the latest by default)' },
  'values.cards': {
    summary: 'Strategy cards: one per RFM segment and per quadrant, with size, share, change since the previous calculation and a strategy code',
    description:
      "Sizes count the latest scores of existing customers, as the customer list's `rfmSegment` / `quadrant` filters do; `previous` and `change` are null after the first calculation. Empty `cards` before any calculation.",
  },
  'values.groups': {
    summary: 'A group of the latest scores (heatmap cell, scatter bubble, card): size, average recency days, frequency, monetary and CLV, up to 5 customers',
    description: "Customers are shown under the caller's contact rules (names always, no contact fields). Zero and nulls before any calculation.",
  },
  'values.cardTasks': {
    summary: "One open follow-up task per customer of a card, assigned to the customer's owner, in one transaction",
    description:
      '201 with the tasks created; 200 with `repeated: true` when the card already got its tasks this UTC day (nothing is created twice). 400 naming the limit when the card has more than 500 customers; 403 without the Task create permission.',
  },
  'values.getSettings': { summary: 'The value-model configuration' },
  'values.updateSettings': { summary: 'Change the value-model configuration: a partial update, merged one level deep per section and validated whole' },
  'values.customerScore': {
    summary: "A customer's latest value scores (by id or documentId) with strategy suggestions",
    description: '`data` is null for a customer not yet scored; 404 for an unknown customer.',
  },
};

/**
 * What the contracts cannot say in a schema: one line per endpoint (the OpenAPI `summary`) and,
 * where an answer needs it, its meaning (`description`). Keyed by handler, `<module>.<action>`;
 * a unit test requires one for every endpoint of the contracts.
 */
export type Note = { summary: string; description?: string };

/** Who may approve or reject a maker-checker request. */
const DECIDING =
  "The caller must hold the kind's approve action (`export.approve`, `automation.approve`; 403 otherwise) and must not be the requester (403 naming why). Only a pending, unexpired request is decided (409 otherwise; an expired one is marked `expired`).";

export const NOTES: Record<string, Note> = {
  'emailLinks.unsubscribePage': {
    summary: "An automation email's unsubscribe link: a confirmation page",
    description:
      "Public: the signed token in the link is the permission (400 naming `/token` when it does not verify). Shows a page in the customer's language with a button that POSTs to the same link; a GET changes nothing, since mail scanners follow links.",
  },
  'emailLinks.unsubscribe': {
    summary: "Unsubscribe: withdraws the customer's email consent",
    description:
      "Public, by signed token. The confirmation page's form and RFC 8058 one-click (the `List-Unsubscribe-Post` header: `List-Unsubscribe=One-Click`, form-encoded) both land here. Email consent is withdrawn with source `unsubscribe` and audited (`consent.change`, before and after); a repeat answers the same page. A tampered token is refused (400) and changes nothing.",
  },
  'emailLinks.open': {
    summary: 'The tracking pixel of an automation email (a 1×1 GIF)',
    description: 'Public, by signed token. Records an `email_open` interaction on the customer, once per message per hour.',
  },
  'emailLinks.click': {
    summary: 'A tracked link of an automation email: records the click and redirects',
    description:
      'Public, by signed token. Records an `email_click` interaction (once per message and link per hour) and answers 302 to the web address signed into the token, never to any other (no open redirect).',
  },
  'emailLinks.providerEvent': {
    summary: "An email provider's report: delivered, bounce or complaint, for a Message-ID",
    description:
      'Authenticated by the shared secret `CI_EMAIL_WEBHOOK_SECRET` in the `x-webhook-secret` header (401 otherwise, also when none is configured). The Message-ID must be one the app generated (signed; 404 otherwise). Every event is audited on the customer (`email.delivered`, `email.bounce`, `email.complaint`); a hard bounce (`bounceType: hard`, or without it a 5xx / 5.x.x SMTP reply in `reason`) withdraws email consent (source `bounce`), a soft one withdraws nothing; a complaint is recorded as a `complaint` interaction and withdraws email consent (source `complaint`).',
  },
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

  'automation.catalogue': {
    summary: 'The event library of automation triggers, with labels in en / zh-Hans / zh',
    description:
      'Needs `automation.manage`. Every event a trigger can listen to (interaction types and system events) with the filters a trigger on it accepts; the trigger types and action types, each action marked `external` when it sends outside the system (which makes a rule high-risk).',
  },
  'automation.logs': {
    summary: 'Automation log lines, newest first, filterable and paginated',
    description:
      'One line per step for one customer: triggered, sent, done, skipped (with its reason), retrying, failed, dead, exited. Filter by `rule` (documentId), `customerId`, `status`, `reason`, `action` and the period [`from`, `to`); test-mode lines only with `test=true`. Also `GET /api/crm/automation-logs`.',
  },
  'automation.list': { summary: 'Automation rules, newest first, with status, the running and the latest version' },
  'automation.create': {
    summary: 'Create an automation rule (a draft) from its name and definition',
    description:
      "The definition (trigger, conditions, steps, guard) is validated whole: errors name the JSON pointer (`/trigger/cron`, `/conditions/and/0`, `/steps/2/rule`, `/steps/0/action/tagId` …) and nothing is written. Conditions, branches and the goal are rules of the rule language; a schedule trigger follows the segment schedules' minimum interval; referenced tags, segments (a static one for a segment action), admin users, roles and campaigns must exist. The same checks apply to writes through the content manager, REST and GraphQL of AutomationRule, which may not set `rule_status` to active or pending_approval.",
  },
  'automation.get': { summary: 'One automation rule with its risk assessment (why it needs approval, its reach estimate)' },
  'automation.update': {
    summary: 'Change an automation rule (any of name, trigger, conditions, steps, guard)',
    description:
      'The merged definition is validated as on create. A draft, paused or pending rule just changes (a pending request for the old definition then fails when approved: submit again). An active rule keeps running: a low-risk change becomes a new version at once (`meta.version`); a high-risk one sends the rule back to `pending_approval` while its previous version keeps running, and (for an admin) asks for approval (`meta.approval`).',
  },
  'automation.patch': { summary: 'Change an automation rule (the integrator API; as PUT /client-insights/automation/rules/{id})' },
  'automation.remove': {
    summary: 'Delete an automation rule; its steps still waiting in the outbox are cancelled',
    description: 'The outbox rows still `pending` become `cancelled` in the same transaction as the delete (`cancelledSteps`).',
  },
  'automation.activate': {
    summary: 'Activate a draft or paused rule (low-risk only; a high-risk one is submitted for approval)',
    description:
      'Writes the definition as a new version (previous + 1) that the engine runs, or runs the latest version again when the definition is unchanged. A high-risk rule (external sends, a stage change, a webhook endpoint no approved rule used before, or a reach estimate above `automation.approvalReachPerDay`, default 1000) answers 409 `ApprovalRequiredError` unless this exact definition was approved before.',
  },
  'automation.pause': {
    summary: 'Pause an active (or pending) rule: the engine stops running it',
    description: 'Its running version is cleared; resume runs it again (the latest version when the definition is unchanged).',
  },
  'automation.resume': { summary: 'Resume a paused rule (as activate, from paused only)' },
  'automation.submit': {
    summary: 'Submit a rule for approval by another user holding automation.approve',
    description:
      'Admin users only. The rule moves to `pending_approval` (a running version keeps running) and an approval request of kind `automation` carries the exact definition stored now; when another user holding `automation.approve` approves it (`/approvals/{id}/approve`; never the requester), that definition becomes the next version and the rule `active`. If the rule was edited meanwhile, the request fails and must be submitted again.',
  },
  'automation.test': {
    summary: 'Test a rule against one customer without sending anything',
    description:
      'Checks that the rule and the customer exist (400 at `/customerId` otherwise) and that the stored definition is valid; the answer is whether the trigger matches, each condition with its facts, the guard rails that would stop it and each step rendered with the time it would run. `now` sets the instant to test at (default now). Nothing is written and nothing is sent.',
  },
  'automation.figures': {
    summary: "A rule's figures over a period: triggered, sent, skipped by reason, failed, dead, success rate, median latency",
    description:
      'From the automation log in SQL, test lines left out; the period is [`from`, `to`), by default the 7 days up to now. Success rate is (sent + done) / (sent + done + failed + dead), null when nothing finished.',
  },
  'automation.forecast': {
    summary: 'Forecast: who a rule would reach today over a segment, and how many its guard rails would hold back',
    description:
      "Counted in SQL over the set: candidates (the segment given, a schedule trigger's own segment, or every customer), then churned, re-entry and conditions, an estimate of the daily cap (customers already at it today on a channel the rule uses) and of the holdout share. 400 at `/segmentId` for an unknown segment.",
  },
  'automation.sendTest': {
    summary: "Send a test to me: the rule's emails rendered with a customer's data, to the calling admin",
    description:
      "Every email step (branches included) is rendered with the customer's data and sent to the caller's own address only; nothing is recorded against the customer and its links carry no live token (no open pixel, no tracked links, an inert unsubscribe link). 400 at `/customerId` for an unknown customer; 409 when the rule has no email step or the caller has no address.",
  },
  'automation.retryDeadLetter': {
    summary: 'Retry a dead-lettered step by hand',
    description:
      'The step is named by the idempotency key its log lines carry (`GET /automation/logs?status=dead`). It goes back in the queue due now with its attempts reset, under the same key, so a receiver that already saw it can deduplicate. 404 for an unknown key, 409 when the step is not dead.',
  },

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
    summary: 'Export the customer list under a filter, or the members of a segment result, as a CSV or Excel file written in the background',
    description:
      "Needs the `export` action besides `segments.read`. `fields` chooses the columns and their order (customer fields, `metrics.*`, `score.*`, `tags`, `segments`: the list in docs/api.md); each at most once, an unknown or repeated one is a 400 naming it (`/fields/2`). `format` is `csv` (default, UTF-8 with a byte order mark) or `xlsx` (Excel; past 1,048,576 rows a sheet, the rows go on to a new sheet with the header, and the job result says how many sheets). Without `fields`, a CSV has the source's fixed columns as before and an xlsx the same fields. Contact fields are masked unless the user holds `sensitive.view`, and then the export needs approval. 202 with the job: follow it at `/jobs/{jobId}` (progress is rows written / rows counted; cancel there), then download `/exports/{jobId}/file`. The data is what the asking user may see when they ask. Labels and codes in `locale`, dates in `timeZone`, as the direct exports. An export that needs approval (it would carry contact data unmasked, or more rows than `exports.approvalRows`, default 10000) answers 400 at `/reason` without a `reason`, and with one 202 with the pending approval request (`meta.approval: true`) instead of a job: once another user approves it (`/approvals/{id}/approve`), its job runs for the requester.",
  },
  'exports.file': {
    summary: "The written file of one's own export",
    description: `A CSV (text/csv) or an .xlsx (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet), as the export asked. 404 for another user's export; 409 until the job has succeeded; 410 once the file was deleted (24 hours after it was written).`,
  },
  'sync.list': {
    summary: 'Sync destinations: warehouses, webhooks and file drops, with their schedules',
    description: 'Needs `sync.manage`. Settings only: `hasSecret` says whether a password or signing secret is stored; its value is never answered.',
  },
  'sync.create': {
    summary: 'Add a sync destination',
    description:
      "Needs `sync.manage`. `type` is `warehouse` (`config`: `client` postgres or mysql, `host`, `port`, `database`, `user`, `ssl`; `password` beside it, stored encrypted and never answered), `webhook` (`config.url`; a signing secret `whsec_…` is generated and answered here once) or `file` (`config.folder` below the server's `sync.fileRoot`, `config.format` jsonl or csv). `cron` and `timezone` schedule it (daily at 03:00 UTC by default); `enabled: false` keeps it off the schedule. Bad settings: 400 naming the field (`/type`, `/config/url`, `/config/database`, `/cron`).",
  },
  'sync.update': {
    summary: 'Change a sync destination',
    description:
      "`config` replaces the settings of the destination's type and is checked against them (400 under `/config/…`); `password` replaces the stored one (empty removes it). The type cannot change.",
  },
  'sync.remove': {
    summary: 'Remove a sync destination',
    description:
      "Removes it from the schedule and forgets what it was sent (the next destination starts from nothing); its run history stays. The destination's own data is left as it is.",
  },
  'sync.run': {
    summary: 'Run a sync now: incremental, or a full reload',
    description:
      '202 with the `sync` job: follow it at `/jobs/{jobId}`. An incremental run sends the scores, tags and current segment memberships that changed since what the destination was last sent, and deletes what disappeared; `mode: full` empties the destination and sends everything. A run that failed or was interrupted is resumed by this call from its last committed batch (same batch ids). 409 while a run of this destination is under way.',
  },
  'sync.runs': {
    summary: "A sync destination's runs, newest first",
    description:
      'The last 50: mode, trigger, status, batches committed, rows sent, deleted and rejected (with the first reasons), the error in words, and how many times the run was started (more than 1: resumed).',
  },
  'monitoring.metrics': {
    summary: 'Prometheus metrics: preview and segment-run latency, run outcomes, queue depths, HTTP latency by route, Node process',
    description:
      "Text exposition format (prom-client). 401 without the token or with a wrong one. Metrics: `ci_preview_duration_seconds`, `ci_segment_run_duration_seconds{status}`, `ci_segment_runs_total{status}`, `ci_queue_depth{queue,status}` (segment_runs and jobs queued/running, automation_outbox pending/claimed/dead, counted on each scrape), `ci_http_request_duration_seconds{method,route,status}`, and Node's default metrics (`process_*`, `nodejs_*`).",
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

  'reports.analytics': {
    summary: "A segment's revenue, orders, customers, AOV, conversion, retention, churn and margin over a period, with change, benchmark, ranks and outliers",
    description:
      "Needs `reports.read`. Members are those who were members at any time in the period (enter/exit events), not only today's. Figures come from paid orders; `flags` says when data is insufficient; `segments` holds every segment the caller may see (ranks, outliers, the heatmap).",
  },
  'reports.trends': {
    summary: "A segment's members, revenue, orders and AOV per day, week or month, with a forecast and its backtest error",
    description:
      'Needs `reports.read`. Buckets are local days, ISO weeks or months of `timeZone`. Forecast: Holt, or Holt-Winters additive from two seasons on, parameters by least one-step SSE over a grid; band ±1.96 σ √h; MAE/MAPE on the last periods held out.',
  },
  'reports.attribution': {
    summary: "A campaign's conversions credited by first touch, last touch, linear, time decay and position-based (40/20/40) models, with ROI and holdout lift",
    description:
      "Needs `reports.read`. Touches are interactions linked to any campaign and automation sends of steps tagged with one; a conversion is a paid order within `window` days after a touch of this campaign, its credit split over every campaign's touches on the customer's path. ROI = (attributed margin − budget) / budget. Holdouts: the campaign's own (a reproducible hash of campaign and customer over its audience) and its automation rules' (occurrences held out); lift = treated − holdout conversion rate with a 95 % Newcombe (Wilson) interval, `tooSmall` below 30 customers or 5 (non-)conversions per group. Stage changes are not conversions (no stage history is kept).",
  },

  'reports.campaigns': {
    summary: 'The campaigns by name (id, channel, holdout percent), for the pickers of the rule editor and the attribution report',
    description:
      'Needs `automation.manage` or `reports.read` (either one; 403 without both). `q` keeps the campaigns whose name contains it, in any case; `limit` (1–500, default 100) caps the list, ordered by name.',
  },

  'reports.flow': {
    summary: 'Customer flow between two dates: segment to segment (Sankey links) and value quadrant to quadrant between two value runs',
    description:
      "Needs `reports.read`. Membership is taken just before the first day's start and just before the end of the last day (every enter/exit event before the instant applied), over the segments the caller may see; `none` is no such segment. A customer in several segments counts once per (start, end) pair, so a start node's links sum to its members then. Quadrants: the values module's migration matrix between `runA` and `runB` (default the two latest successful runs); an unknown run is a 400 naming it.",
  },
  'reports.flowCustomers': {
    summary: "A page of one flow's customers (segment or quadrant), contact data masked as in the customer list",
    description:
      'Needs `reports.read`. `kind=segment`: `source`/`target` a segment id the caller may see, or `none`; `kind=quadrant`: a quadrant or `none` (not scored in that run). Same definitions as GET /reports/flow; newest customers first.',
  },
  'reports.monitoring': {
    summary:
      'Monitoring over a period: segment coverage and runs, automation outcomes, value-model quality (transition rate, churn precision/recall/AUC), tag activity, lifecycle rates and the KPI board',
    description:
      "Needs `reports.read`. Every figure is an SQL aggregate; definitions in docs/api.md (Monitoring). Churn accuracy scores the latest value run finished at least `horizonDays` before the end against what happened since (stage churned, or no paid order and no interaction). `board` is the overview's KPI board computed by the same function as of the end (now, when the period reaches it).",
  },

  'rules.catalogue': { summary: 'The rule language: fields, operators, event types, order kinds and statuses, limits' },
  'rules.preview': {
    summary: 'Match a rule against the customers now, storing nothing',
    description:
      "A refused rule is a 400 with pointers under `/rule`; an accepted one answers its count, share, a sample, the churn-risk spread and warnings. With `parent` (or the `segmentId` of a child being edited) it is counted within the parent's rules, as the child's runs materialise it, and `scope` names the parent.",
  },
  'rules.validate': { summary: 'Check a rule: 400 with pointers under `/rule` when refused, else its warnings' },

  'segments.list': {
    summary:
      'Segments the caller may see, paginated; `q` narrows to names containing it (any case), `type` to dynamic or static (the pickers search with them)',
  },
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

  'tags.ruleLog': {
    summary: "A tag's auto-rule log: its latest applications, newest first",
    description:
      'Each line: when, the trigger (`data-change`, `schedule`, `manual`), customers re-evaluated (null: all), matched, added, removed, duration. `limit` 1–200 (default 20), `trigger` narrows to one kind. Data-change lines are written only when the rule moved someone.',
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

  'notifications.list': {
    summary: "The caller's in-app notifications, newest first, with the unread count",
    description:
      'Any signed-in admin user, only their own (written by automation notify actions). `unread=true` lists only unread ones; `meta.unread` counts all unread.',
  },
  'notifications.read': { summary: "Mark one of the caller's notifications read", description: "404 for another user's notification, as for a missing one." },
  'notifications.readAll': { summary: "Mark all the caller's unread notifications read", description: '`updated`: how many were unread.' },

  'webhookEndpoints.list': {
    summary: 'Webhook endpoints of automation, with their circuit breaker state (never their secrets)',
    description:
      'Needs `automation.manage`. `circuit` is `open` until `openUntil` after repeated transient failures, then `half_open` (the next delivery is a trial).',
  },
  'webhookEndpoints.create': {
    summary: 'Add a webhook endpoint; answers its signing secret once',
    description:
      'Needs `automation.manage`. The URL must be http(s) with no user name or password in it (400 at `/url`). The answer carries `secret` (`whsec_…`, Standard Webhooks): it is stored encrypted and never answered again; rotate it to get a new one.',
  },
  'webhookEndpoints.update': {
    summary: 'Rename, re-point, enable or disable a webhook endpoint',
    description: 'Needs `automation.manage`. A disabled endpoint holds its deliveries (retried later).',
  },
  'webhookEndpoints.remove': {
    summary: 'Delete a webhook endpoint (409 naming the rules while a rule posts to it)',
    description:
      'Needs `automation.manage`. Refused with 409, naming the rules, while a rule has a webhook step to it (in its steps as last saved or in its running version); a step of an older version still naming it fails permanently (dead letter).',
  },
  'webhookEndpoints.rotateSecret': {
    summary: "Replace a webhook endpoint's signing secret; answers the new one once",
    description: 'Needs `automation.manage`. The old secret stops signing at once.',
  },
};

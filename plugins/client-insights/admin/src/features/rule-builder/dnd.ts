import type { Subject } from './model';

/** Native HTML5 drag-and-drop payloads (no provider needed; every drag has a keyboard twin). */
export const SUBJECT_MIME = 'application/x-ci-subject';
export const NODE_MIME = 'application/x-ci-node';

export type SubjectDrag = { subject: Subject; fieldType?: string };

export const readDrag = (e: React.DragEvent): { subject?: SubjectDrag; nodeId?: string } => {
  const subject = e.dataTransfer.getData(SUBJECT_MIME);
  const nodeId = e.dataTransfer.getData(NODE_MIME);
  return { subject: subject ? (JSON.parse(subject) as SubjectDrag) : undefined, nodeId: nodeId || undefined };
};

export const isBuilderDrag = (e: React.DragEvent) => e.dataTransfer.types.includes(SUBJECT_MIME) || e.dataTransfer.types.includes(NODE_MIME);

/** An answer other than 200 from a segment endpoint: status, message and, for 400, the field errors. */
export class SegmentApiError extends Error {
  constructor(
    public status: 400 | 403 | 404 | 409 | 410,
    message: string,
    public errors?: Array<{ path: string; message: string }>
  ) {
    super(message);
  }
}

export const badRequest = (errors: Array<{ path: string; message: string }>) =>
  new SegmentApiError(400, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);

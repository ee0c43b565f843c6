// metav1.Status error bodies, worded like the real API server (k8s.io/apimachinery/pkg/api/errors).

export type StatusCause = { reason?: string; message?: string; field?: string };
export type StatusDetails = {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
};
export type StatusBody = {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
};

/** A Kubernetes API error: thrown by handlers, rendered by the server as a Status body. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly code: number;
  readonly body: StatusBody;
  constructor(body: StatusBody) {
    super(body.message ?? body.reason ?? `HTTP ${body.code}`);
    this.code = body.code;
    this.body = body;
  }
}

/** The group and resource of an error's subject, e.g. { group: "apps", resource: "deployments" }. */
export type GroupResource = { group: string; resource: string };

const qualified = (gr: GroupResource): string => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

function details(gr: GroupResource | null, name: string | null, extra: StatusDetails = {}): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (gr?.group) d.group = gr.group;
  if (gr) d.kind = gr.resource;
  return { ...d, ...extra };
}

export function failure(code: number, reason: string, message: string, det?: StatusDetails): ApiError {
  const body: StatusBody = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
  if (det) body.details = det;
  return new ApiError(body);
}

export function successStatus(code = 200): StatusBody {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code };
}

export const badRequest = (message: string): ApiError => failure(400, "BadRequest", message);

export const unauthorized = (): ApiError => failure(401, "Unauthorized", "Unauthorized");

export function forbidden(gr: GroupResource, name: string | null, why: string): ApiError {
  const subject = name ? `${qualified(gr)} "${name}"` : qualified(gr);
  return failure(403, "Forbidden", `${subject} is forbidden: ${why}`, details(gr, name));
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return failure(404, "NotFound", `${qualified(gr)} "${name}" not found`, details(gr, name));
}

/** 404 for a path the server does not serve at all. */
export const noSuchResource = (): ApiError =>
  failure(404, "NotFound", "the server could not find the requested resource", {});

export function methodNotSupported(gr: GroupResource, action: string): ApiError {
  return failure(
    405,
    "MethodNotAllowed",
    `${action} is not supported on resources of kind "${qualified(gr)}"`,
    details(gr, null),
  );
}

export function conflict(gr: GroupResource, name: string, why: string): ApiError {
  return failure(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
    details(gr, name),
  );
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return failure(409, "AlreadyExists", `${qualified(gr)} "${name}" already exists`, details(gr, name));
}

export const gone = (message: string): ApiError => failure(410, "Expired", message);

/** One field error, as field.Error renders it. */
export type FieldError = {
  type: "FieldValueInvalid" | "FieldValueRequired" | "FieldValueNotSupported" | "FieldValueForbidden";
  field: string;
  value?: unknown;
  detail?: string;
};

function renderValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v === null || v === undefined) return "null";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** The part after "field: ", e.g. `Invalid value: "lots": quantities must match ...`. */
export function fieldErrorBody(e: FieldError): string {
  const tail = e.detail ? `: ${e.detail}` : "";
  switch (e.type) {
    case "FieldValueInvalid":
      return `Invalid value: ${renderValue(e.value)}${tail}`;
    case "FieldValueRequired":
      return `Required value${tail}`;
    case "FieldValueNotSupported":
      return `Unsupported value: ${renderValue(e.value)}${tail}`;
    case "FieldValueForbidden":
      return `Forbidden${tail}`;
  }
}

/** 422 like errors.NewInvalid: `Deployment.apps "rdev-api" is invalid: <field>: Invalid value: ...`. */
export function invalid(kind: { group: string; kind: string }, name: string, errors: FieldError[]): ApiError {
  const rendered = errors.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const all = rendered.length === 1 ? (rendered[0] ?? "") : `[${rendered.join(", ")}]`;
  const qualifiedKind = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
  return failure(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${all}`, {
    name,
    ...(kind.group ? { group: kind.group } : {}),
    kind: kind.kind,
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}

/** 422 for a JSON patch that does not apply, like NewGenericServerResponse(422, ...). */
export function unprocessablePatch(why: string): ApiError {
  return failure(422, "Invalid", "the server rejected our request due to an error in our request", {
    causes: [{ reason: "UnexpectedServerResponse", message: why }],
  });
}

export function tooManyRequests(message: string, det?: StatusDetails): ApiError {
  return failure(429, "TooManyRequests", message, det);
}

export const internalError = (why: string): ApiError =>
  failure(500, "InternalError", `Internal error occurred: ${why}`, { causes: [{ message: why }] });

export const serviceUnavailable = (message: string): ApiError => failure(503, "ServiceUnavailable", message);

/** The reason the API server uses for each status code (for injected faults). */
export function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    410: "Expired",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
  };
  return reasons[code] ?? (code >= 500 ? "InternalError" : "Unknown");
}

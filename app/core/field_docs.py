"""What each field of the API means, with its unit: one glossary for the OpenAPI document.

A field keeps the same meaning wherever it appears, so it is described once here by its wire name;
`Schema.field` entries cover a name whose meaning depends on the schema. A `Field(description=...)`
on the schema itself wins over both. A test fails when a schema property has no description, so a
new field lands with its meaning.
"""

import re
from typing import Any

TIME = "(ISO 8601, UTC)"

FIELD_DESCRIPTIONS: dict[str, str] = {
    # Identity and bookkeeping.
    "id": "The resource's id (24 hexadecimal characters).",
    "createdAt": f"When the resource was created {TIME}.",
    "updatedAt": f"When the resource last changed {TIME}.",
    "deletedAt": f"When the account was deleted {TIME}; null while it exists.",
    "lastLoginAt": f"When the user last logged in {TIME}; null if never.",
    "deleted": "True when the user is soft-deleted; their name and email are then null.",
    # Pagination.
    "items": "The page of results, in the list's documented order.",
    "total": "How many results match in all pages.",
    "limit": "The page size that was applied.",
    "offset": "How many results were skipped before this page.",
    # References.
    "poolId": "Id of the pool.",
    "ownerId": "Id of the pool owner (a user with the `owner` role).",
    "technicianId": "Id of the technician (a user with the `technician` role).",
    "technicianIds": "Ids of the technicians assigned to the pool.",
    "visitId": "Id of the visit, or null when not linked to one.",
    "poolValuesId": "Id of the readings (pool values) linked here, or null.",
    "invoiceId": "Id of the invoice; on a visit, null until it is billed.",
    "userId": "Id of the user.",
    "threadId": "Id of the thread.",
    "alertId": "Id of the alert.",
    "auditEventId": "Id of the audit event.",
    "messageId": "Id of the message.",
    "authorId": "Id of the user who wrote the message.",
    "recordedBy": "Id of the user who recorded it.",
    "uploadedBy": "Id of the user who uploaded the photo.",
    "createdBy": "Id of the user who opened the thread.",
    "acknowledgedBy": "Id of the user who acknowledged the alert, or null.",
    "replyToMessageId": "Id of the message of the same thread this one answers, or null.",
    # People.
    "lastName": "Family name.",
    "email": "Email address (unique, compared case-insensitively).",
    "phone": "Phone number, free text, or null.",
    "password": "Password: at least 8 characters, at most 72 bytes in UTF-8.",
    "currentPassword": "The caller's current password.",
    "newPassword": "The new password: 8 characters to 72 bytes; differs from the current one.",
    "role": "Role: `admin`, `owner` or `technician`.",
    # Pools.
    "address": "Street address of the pool, or null.",
    "volumeLiters": "Water volume of the pool, in liters.",
    "poolType": "Kind of water treatment: `chlorine`, `saltwater`, `mineral` or `other`.",
    "indoor": "True for an indoor pool.",
    "notes": "Free-text notes, or null.",
    "poolName": "The pool's name at the time.",
    # Readings.
    "ph": "pH, 0 to 14 (no unit).",
    "chlorine": "Free chlorine, in ppm (mg/L), 0 to 20.",
    "temperature": "Water temperature, in °C, -5 to 50.",
    "alkalinity": "Total alkalinity, in ppm as CaCO₃, 0 to 100,000.",
    "cyanuricAcid": "Cyanuric acid (stabiliser), in ppm, 0 to 100,000.",
    "calciumHardness": "Calcium hardness, in ppm as CaCO₃, 0 to 100,000.",
    "salt": "Salt, in ppm, 0 to 100,000.",
    "tds": "Total dissolved solids, in ppm, 0 to 100,000.",
    "measuredAt": f"When the water was measured {TIME}; defaults to the time of recording.",
    "readings": "The water readings taken during the visit; at least one value.",
    "latestReadings": "The most recent readings of the pool, or null when there are none.",
    "poolValues": "The readings recorded with the visit, or null when none were sent.",
    # Alerts.
    "enabled": "True when readings outside the ranges raise alerts.",
    "alertConfig": "The pool's alert thresholds.",
    "activeAlerts": "Alerts not yet resolved, newest first.",
    "alerts": "Alerts raised by these readings.",
    "severity": "`warning` just outside the range, `critical` far outside it.",
    "acknowledgedAt": f"When the alert was acknowledged {TIME}, or null.",
    "resolvedAt": f"When a later reading came back in range {TIME}, or null.",
    # Visits.
    "scheduledStart": f"Start of the planned time window {TIME}, or null.",
    "scheduledEnd": f"End of the planned time window {TIME}, or null; after the start.",
    "visitedAt": f"When the technician was at the pool {TIME}, or null while only planned.",
    "poolHealth": "The technician's verdict: `good`, `needs_attention` or `critical`.",
    "observations": "What the technician saw and did, free text, or null.",
    "chemicalsAdded": "Chemicals put in the water during the visit.",
    "lastVisit": "The pool's most recent visit, or null.",
    "visit": "The visit.",
    # Invites.
    "technicianEmail": "Email address of the invited technician.",
    "respondedAt": f"When the technician accepted or declined {TIME}, or null.",
    "expiresAt": f"When a pending invite expires {TIME}.",
    # Photos.
    "context": "What the photo belongs to: `user_profile`, `pool`, `visit` or `message`.",
    "fileName": "The uploaded file's name.",
    "contentType": "Media type of the stored image, e.g. `image/jpeg`.",
    "sizeBytes": "Size of the stored image, in bytes.",
    "width": "Image width, in pixels.",
    "height": "Image height, in pixels.",
    "urlExpiresAt": f"When the signed `url` stops working {TIME}.",
    "photos": "Photos attached, oldest first.",
    "file": "The image: JPEG, PNG, GIF or WebP.",
    # Messaging.
    "subject": "Subject of the thread, 1 to 200 characters.",
    "editedAt": f"When the body was last edited {TIME}, or null.",
    "messageCount": "How many messages the thread holds.",
    "lastMessage": "The thread's latest message, or null.",
    "preview": "The first characters of the message body.",
    "thread": "The thread.",
    # Billing.
    "currency": "ISO 4217 currency code of every amount, e.g. `EUR`.",
    "issuedDate": "Date the invoice is issued (YYYY-MM-DD).",
    "dueDate": "Date payment is due (YYYY-MM-DD).",
    "periodStart": "First day of the billed period (YYYY-MM-DD).",
    "periodEnd": "Last day of the billed period (YYYY-MM-DD), on or after `periodStart`.",
    "lines": "The invoice lines, 1 to 100.",
    "quantity": "How many units, 1 to 10,000.",
    "unitPriceCents": "Price of one unit, in cents (minor units of `currency`).",
    "amountCents": "Amount, in cents (minor units of `currency`).",
    "subtotalCents": "Sum of the lines before tax, in cents.",
    "taxRateBps": "Tax rate, in basis points (2000 = 20 %).",
    "taxCents": "Tax on the subtotal, in cents.",
    "totalCents": "Subtotal plus tax, in cents.",
    "paidCents": "Sum of the payments, in cents.",
    "balanceCents": "What is still owed (total minus paid), in cents.",
    "ownerName": "The owner's full name at the time.",
    "sentAt": f"When the invoice was sent {TIME}, or null while a draft.",
    "paidAt": f"When the payment was made {TIME}.",
    "voidedAt": f"When the invoice was voided {TIME}, or null.",
    "fromVisits": "True to bill each completed, unbilled visit of the period (instead of `lines`).",
    "method": "How it was paid: `card`, `bank_transfer`, `cash`, `check` or `other`.",
    "reference": "The payer's reference (bank or card reference), unique on the invoice.",
    "from": "First day of the statement (YYYY-MM-DD).",
    "to": "Last day of the statement (YYYY-MM-DD).",
    "openingBalanceCents": "What the owner owed before `from`, in cents.",
    "invoicedCents": "Total of the invoices sent in the range, in cents.",
    "closingBalanceCents": "What the owner owes at the end of `to`, in cents.",
    "invoices": "Invoices in the range, oldest first.",
    "payments": "Payments in the range, oldest first.",
    # Audit.
    "at": f"When it happened {TIME}.",
    "actorId": "Id of the user who acted, or null for the system.",
    "actorRole": "Role of that user at the time.",
    "resourceType": "Kind of resource changed, e.g. `pool`.",
    "resourceId": "Id of the resource changed.",
    "ip": "Client IP address of the request, or null.",
    "changes": "Changed fields with their values before and after.",
    # Problems and health.
    "requestId": "The request's id (also in the `X-Request-ID` header); quote it in reports.",
    "errors": "For 422: one entry per invalid field; otherwise null.",
    "loc": "Where the problem is: `body`, `query` or `path`, then the field names.",
    "msg": "What is wrong with that field, in English.",
    "version": "The running API version.",
    "uptimeSeconds": "Seconds since the process started.",
    "checks": "The result of each dependency check.",
    "database": "`ok` when MongoDB answers, else `unavailable`.",
    "storage": "`ok` when blob storage answers, else `unavailable`.",
    # Auth.
    "access_token": "The bearer token to send as `Authorization: Bearer <token>`.",
    "token_type": "Always `bearer`.",
    "refresh_token": "Single-use token for `POST /auth/refresh`; a new one comes each time.",
    "expires_in": "Seconds until the access token expires.",
    "refreshToken": "The refresh token from the last login or refresh.",
    "grant_type": "OAuth2 grant type; `password` when sent.",
    "username": "The account's email address.",
    "scope": "Unused; leave empty.",
    "client_id": "Unused; leave empty.",
    "client_secret": "Unused; leave empty.",
}

# Names that mean different things in different schemas are described per schema, so a new
# schema using one of them must say what it means there.
SCHEMA_FIELD_DESCRIPTIONS: dict[str, str] = {
    **dict.fromkeys(
        [f"{schema}.name" for schema in ("RegisterIn", "UserCreate", "UserOut", "UserUpdate")]
        + ["UserSummary.name", "InviteOwner.name"],
        "Given name.",
    ),
    "InvitePool.name": "Name of the pool.",
    "PhotoOut.url": "Signed link to the image bytes; works without a token until `urlExpiresAt`.",
    **dict.fromkeys(
        [f"{schema}.url" for schema in ("WebhookCreate", "WebhookCreated", "WebhookOut")],
        "Where deliveries are POSTed: a public `http` or `https` URL.",
    ),
    "WebhookUpdate.url": "A new target URL: a public `http` or `https` URL.",
    **dict.fromkeys(
        [f"{s}.description" for s in ("WebhookCreate", "WebhookCreated", "WebhookOut")],
        "A note for people (what the endpoint is for), or null.",
    ),
    "WebhookUpdate.description": "A new note, or null to clear it.",
    **dict.fromkeys(
        [f"{s}.events" for s in ("WebhookCreate", "WebhookCreated", "WebhookOut")],
        "The event types delivered, e.g. `visit.completed`, `alert.raised`.",
    ),
    "WebhookUpdate.events": "The new list of event types to deliver.",
    **dict.fromkeys(
        [f"{s}.active" for s in ("WebhookCreate", "WebhookCreated", "WebhookOut")],
        "False pauses deliveries without deleting the webhook.",
    ),
    "WebhookUpdate.active": "False pauses deliveries, true resumes them.",
    "WebhookCreated.secret": "The signing secret, shown only in this response: keep it to verify "
    "`Poolia-Signature`.",
    "WebhookCreated.ownerId": "Id of the user who registered the webhook.",
    "WebhookOut.ownerId": "Id of the user who registered the webhook.",
    "PoolOut.ownerId": "Id of the pool owner (a user with the `owner` role).",
    "DeliveryOut.event": "The event type delivered, e.g. `visit.completed` or `ping`.",
    "DeliveryOut.status": "`pending` (queued or being retried), `succeeded` or `failed`.",
    "DeliveryOut.attempts": "How many times delivery was tried so far (at most 8).",
    "DeliveryOut.lastStatusCode": "HTTP status of the last attempt, or null if none answered.",
    "DeliveryOut.lastError": "Why the last attempt failed, or null.",
    "DeliveryOut.nextAttemptAt": f"When the next attempt is due {TIME}, or null when done.",
    "DeliveryOut.deliveredAt": f"When a 2xx answer was received {TIME}, or null.",
    "InvoiceLineIn.description": "What the line bills, free text, 1 to 200 characters.",
    "InvoiceLineOut.description": "What the line bills.",
    **dict.fromkeys(
        ["MessageCreate.type", "MessageOut.type", "ThreadCreate.type"],
        "Kind of message: `question`, `answer` or `comment`.",
    ),
    **dict.fromkeys(
        ["MessageCreate.body", "MessageOut.body", "MessageUpdate.body", "ThreadCreate.body"],
        "Text of the message, 1 to 5,000 characters.",
    ),
    **dict.fromkeys(["ChemicalIn.amount", "ChemicalOut.amount"], "Quantity added, in `unit`."),
    **dict.fromkeys(
        ["ChemicalIn.unit", "ChemicalOut.unit"], "Unit of `amount`, e.g. `kg`, `g`, `L` or `mL`."
    ),
    "AlertOut.metric": "The reading that left its range: `ph`, `chlorine` or `temperature`.",
    "AlertOut.value": "The reading's value, in the metric's unit (pH; ppm; °C).",
    "AlertOut.min": "The range's lowest acceptable value when the alert was raised.",
    "AlertOut.max": "The range's highest acceptable value when the alert was raised.",
    **dict.fromkeys(
        ["RangeIn.min", "RangeOut.min"], "Lowest acceptable value, in the metric's unit."
    ),
    **dict.fromkeys(
        ["RangeIn.max", "RangeOut.max"],
        "Highest acceptable value, in the metric's unit; above `min`.",
    ),
    "InviteOut.owner": "The pool's owner (`deleted: true` and null names once deleted).",
    "InviteOut.pool": "The pool the invite is for.",
    "Dashboard.pool": "The pool.",
    "Dashboard.technician": "The technician of the latest completed visit, or null.",
    "TokenOut.user": "The user the tokens belong to.",
    **dict.fromkeys(
        ["InviteCreate.message", "InviteOut.message", "PoolInviteCreate.message"],
        "A note from the inviter, or null; up to 1,000 characters.",
    ),
    "InviteUpdate.message": "A new note from the inviter, or null.",
    **dict.fromkeys(
        ["InvoiceOut.number", "StatementInvoice.number"],
        "Invoice number, given when the invoice is sent (e.g. `INV-2026-0001`), else null.",
    ),
    "Problem.code": "Stable machine-readable error code; see the error-code catalog.",
    "Problem.title": "The HTTP status phrase.",
    "Problem.detail": "A sentence for a person: what happened and what to do.",
    "Detail.detail": "What was done, in a sentence.",
    "AuditEventOut.action": "What was done, e.g. `pool.update`.",
    "AuditEventOut.details": "What else the event records (a cascade's counts), or null.",
    "AlertConfigIn.ph": "Acceptable pH range (no unit).",
    "AlertConfigIn.chlorine": "Acceptable free chlorine range, in ppm.",
    "AlertConfigIn.temperature": "Acceptable water temperature range, in °C.",
    "AlertConfigOut.ph": "Acceptable pH range (no unit).",
    "AlertConfigOut.chlorine": "Acceptable free chlorine range, in ppm.",
    "AlertConfigOut.temperature": "Acceptable water temperature range, in °C.",
    "AlertConfigOut.updatedAt": f"When the thresholds last changed {TIME}.",
    "AlertOut.status": "`active`, `acknowledged`, or `resolved` once a reading is back in range.",
    "InviteOut.status": "`pending`, `accepted`, `declined`, `cancelled` or `expired`.",
    "InviteOut.ownerId": "Id of the owner of the pool the invite is for.",
    "InviteUpdate.status": "`cancelled` to withdraw a pending invite.",
    "InvoiceOut.status": "`draft`, `sent`, `paid` (in full) or `void`.",
    "StatementInvoice.status": "`draft`, `sent`, `paid` (in full) or `void`.",
    "ThreadOut.status": "`open`, `answered` (the last message is an answer) or `closed`.",
    "ThreadUpdate.status": "`closed` to close the thread, `open` to reopen it.",
    "VisitOut.status": "`scheduled`, `completed`, `cancelled` or `no_show`.",
    "VisitCreate.status": "`scheduled` to plan the visit, `completed` to log one done.",
    "VisitUpdate.status": "The new state: `scheduled`, `completed`, `cancelled` or `no_show`.",
    "VisitRecord.status": "`completed` (the default) or `no_show`.",
    "LastVisit.status": "`scheduled`, `completed`, `cancelled` or `no_show`.",
    "UserOut.status": "`active`, `inactive` (refused at login) or `deleted`.",
    "UserCreate.status": "`active` or `inactive`.",
    "UserUpdate.status": "`active` or `inactive` (admin only).",
    "UserUpdate.role": "New role (admin only).",
    "Liveness.status": "Always `ok` while the process answers.",
    "Readiness.status": "`ok` when every check passes, else `unavailable`.",
    "Problem.status": "The HTTP status code.",
    "Problem.type": "A URI naming the problem type; `about:blank` here.",
    "ValidationIssue.type": "Machine-readable kind of the field problem, e.g. `missing`.",
    "LastMessageOut.type": "Kind of message: `question`, `answer` or `comment`.",
    "ChemicalIn.name": "Product name, e.g. `Sodium hypochlorite`.",
    "ChemicalOut.name": "Product name, e.g. `Sodium hypochlorite`.",
    "PoolCreate.name": "Name of the pool, 1 to 120 characters.",
    "PoolUpdate.name": "Name of the pool, 1 to 120 characters.",
    "LoginIn.password": "The account's password.",
    "PoolOut.name": "Name of the pool.",
    "MessageOut.poolId": "Id of the pool the thread is about.",
    "Dashboard.owner": "The pool's owner (`deleted: true` and null names once deleted).",
    "VisitRecorded.alerts": "Alerts raised by the visit's readings.",
    "ThreadCreated.message": "The thread's first message.",
    "PaymentOut.ownerId": "Id of the owner the invoice is addressed to.",
    "InvoiceOut.ownerId": "Id of the owner the invoice is addressed to.",
    "InvoiceCreate.ownerId": "Id of the owner the invoice is addressed to.",
    "StatementOut.ownerId": "Id of the owner.",
    "StatementOut.paidCents": "Total of the payments made in the range, in cents.",
    "InvoiceCreate.lines": "The lines, 1 to 100; leave out when `fromVisits` is true.",
    "InvoiceCreate.notes": "Free text printed on the invoice, or null.",
    "ReadinessChecks.database": "`ok` when MongoDB answers, else `unavailable`.",
}


# Service plans, notifications and password reset (added with those features).
FIELD_DESCRIPTIONS |= {
    "servicePlanId": "Id of the service plan the visit was generated from, or null.",
    "timezone": "IANA time zone of the pool, e.g. `Europe/Madrid` (default `UTC`).",
    "nextVisit": "The earliest scheduled visit from now on, or null.",
    "tasks": "The visit's checklist: each task and whether it was done.",
    "priceCents": "Price of one visit, in cents (minor units of the billing currency), or null.",
    "intervalWeeks": "1 weekly, 2 every other week, up to 8.",
    "weekday": "ISO weekday: Monday 1, Sunday 7.",
    "startTime": "Local `HH:MM` (24 h) in the pool's time zone.",
    "durationMinutes": "Length of each visit, in minutes (15 to 480).",
    "startsOn": "First day the plan may place a visit (YYYY-MM-DD).",
    "endsOn": "Last day the plan may place a visit (YYYY-MM-DD, inclusive), or null.",
    "checklist": "Task names for each visit, up to 20 distinct names of 1 to 80 characters.",
    "skippedDates": "Future dates the plan could not place because the technician was booked.",
    "includeCancelled": "True to include cancelled visits.",
    "unread": "True for unread notifications only.",
    "unreadCount": "How many of the caller's notifications are unread, over all pages.",
    "readAt": f"When the notification was read {TIME}, or null while unread.",
    "updated": "How many notifications were marked read.",
    "notificationId": "Id of the notification.",
    "planId": "Id of the service plan.",
    "visitReports": "Email the service report when a visit of your pools is completed.",
    "messages": "Email new messages in your pools' threads.",
    "invites": "Email invites and the answers to them.",
    "billing": "Email sent invoices and received payments.",
    "token": "The token from the password-reset link.",
    "tasksDone": "Names of the visit's tasks that were done.",
}
SCHEMA_NOTES: dict[str, str] = {
    "ServicePlanCreate.active": "False creates the plan without placing visits.",
    "ServicePlanOut.active": "False while the plan is paused: it places no visits.",
    "ServicePlanUpdate.active": "False pauses the plan, true resumes it.",
    "NotificationPreferencesIn.email": "Which notifications are also sent by email.",
    "NotificationPreferencesOut.email": "Which notifications are also sent by email.",
    "EmailPreferencesIn.alerts": "Email alerts raised on your pools.",
    "EmailPreferencesOut.alerts": "Email alerts raised on your pools.",
    "NotificationOut.event": "The event: e.g. `alert.raised`, `visit.completed`, `invoice.sent`.",
    "NotificationOut.title": "A one-line summary naming the pool.",
    "NotificationOut.body": "What happened, in a few sentences.",
    "TaskOut.name": "The task, as named in the plan's checklist.",
    "TaskOut.done": "True once the technician ticked it off.",
    "AgendaItem.pool": "The pool the visit is at.",
    "AgendaPool.name": "Name of the pool.",
    "AgendaPool.timezone": "IANA time zone of the pool, for showing local times.",
}


# Query filters whose names are ambiguous as fields read plainly as filters.
PARAMETER_DESCRIPTIONS: dict[str, str] = {
    "status": "Only those in this state.",
    "action": "Only events of this action, e.g. `pool.update`.",
    "type": "Only those of this kind.",
}


def describe_properties(schemas: dict[str, Any]) -> None:
    """Fill in each schema property's description from the glossary when the schema has none."""
    for schema_name, schema in schemas.items():
        for field, prop in schema.get("properties", {}).items():
            if prop.get("description"):
                continue
            key = f"{schema_name}.{field}"
            text = (
                SCHEMA_FIELD_DESCRIPTIONS.get(key)
                or SCHEMA_NOTES.get(key)
                or (FIELD_DESCRIPTIONS.get(field))
            )
            if text:
                prop["description"] = text


_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|_")


def title_of(field: str) -> str:
    """A readable title from a wire name: `visitedAt` -> "Visited at"."""
    words = _WORD_BOUNDARY.split(field)
    text = " ".join(word.lower() for word in words if word)
    return text[:1].upper() + text[1:]


def simplify_nullable(prop: dict[str, Any]) -> None:
    """`anyOf: [X, null]` of a plain type becomes `type: [X, "null"]`, which renders as one type."""
    options = prop.get("anyOf")
    if not isinstance(options, list) or len(options) != 2:
        return
    plain = [option for option in options if option.get("type") != "null"]
    if len(plain) != 1 or len(options) - len(plain) != 1:
        return
    (kept,) = plain
    if "$ref" in kept or not isinstance(kept.get("type"), str) or "anyOf" in kept:
        return
    del prop["anyOf"]
    for key, value in kept.items():
        prop.setdefault(key, value)
    prop["type"] = [kept["type"], "null"]


def tidy_properties(schemas: dict[str, Any]) -> None:
    """Readable titles and simple nullable types on every schema property."""
    for schema in schemas.values():
        for field, prop in schema.get("properties", {}).items():
            prop["title"] = title_of(field)
            simplify_nullable(prop)

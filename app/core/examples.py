"""One realistic example per request body, by schema name, shown in Swagger UI and ReDoc.

A test validates every example against the route's own request model, and fails when a route
with a request body has no example here.
"""

from typing import Any

POOL_ID = "6650f1c2a4b5c6d7e8f90a1b"
OWNER_ID = "6650f1c2a4b5c6d7e8f90a10"
TECHNICIAN_ID = "6650f1c2a4b5c6d7e8f90a11"
VISIT_ID = "6650f1c2a4b5c6d7e8f90a2c"
INVOICE_ID = "6650f1c2a4b5c6d7e8f90a3d"
MESSAGE_ID = "6650f1c2a4b5c6d7e8f90a4e"

REQUEST_EXAMPLES: dict[str, dict[str, Any]] = {
    "RegisterIn": {
        "name": "Ana",
        "lastName": "García",
        "email": "ana.garcia@example.com",
        "password": "blue-lagoon-42",
        "role": "owner",
    },
    "LoginIn": {"email": "ana.garcia@example.com", "password": "blue-lagoon-42"},
    "Body_auth-token": {"username": "ana.garcia@example.com", "password": "blue-lagoon-42"},
    "RefreshIn": {"refreshToken": "Yq3v9Kx2mB7dT1wR5nL8pZ4cF6hJ0sA2"},
    "UserCreate": {
        "name": "Luis",
        "lastName": "Pérez",
        "email": "luis.perez@example.com",
        "password": "chlorine-check-7",
        "role": "technician",
        "phone": "+34 600 123 456",
    },
    "UserUpdate": {"phone": "+34 600 654 321"},
    "PasswordChange": {"currentPassword": "blue-lagoon-42", "newPassword": "deep-end-2026"},
    "PoolCreate": {
        "name": "Villa Sol main pool",
        "address": "Calle del Mar 12, Málaga",
        "volumeLiters": 48000,
        "poolType": "saltwater",
        "indoor": False,
        "notes": "Gate code 4512.",
    },
    "PoolUpdate": {"notes": "Gate code changed to 7731.", "volumeLiters": 50000},
    "PoolInviteCreate": {
        "technicianEmail": "luis.perez@example.com",
        "message": "Weekly service from June, Tuesdays.",
    },
    "InviteCreate": {
        "poolId": POOL_ID,
        "technicianId": TECHNICIAN_ID,
        "message": "Weekly service from June, Tuesdays.",
    },
    "InviteUpdate": {"message": "Weekly service from June, Wednesdays."},
    "AlertConfigIn": {
        "enabled": True,
        "ph": {"min": 7.2, "max": 7.8},
        "chlorine": {"min": 1.0, "max": 3.0},
        "temperature": {"min": 10, "max": 32},
    },
    "PoolValuesCreate": {
        "poolId": POOL_ID,
        "ph": 7.4,
        "chlorine": 1.8,
        "temperature": 26.5,
        "alkalinity": 100,
        "calciumHardness": 250,
        "cyanuricAcid": 40,
        "salt": 3200,
        "measuredAt": "2026-06-02T09:30:00Z",
    },
    "PoolValuesUpdate": {"chlorine": 2.1},
    "VisitCreate": {
        "poolId": POOL_ID,
        "technicianId": TECHNICIAN_ID,
        "status": "scheduled",
        "scheduledStart": "2026-06-09T08:00:00Z",
        "scheduledEnd": "2026-06-09T09:00:00Z",
    },
    "VisitUpdate": {
        "scheduledStart": "2026-06-10T08:00:00Z",
        "scheduledEnd": "2026-06-10T09:00:00Z",
    },
    "VisitRecord": {
        "visitedAt": "2026-06-02T09:15:00Z",
        "poolHealth": "good",
        "observations": "Skimmer basket emptied, filter backwashed.",
        "chemicalsAdded": [{"name": "Sodium hypochlorite", "amount": 1.5, "unit": "L"}],
        "readings": {"ph": 7.4, "chlorine": 1.8, "temperature": 26.5, "alkalinity": 100},
    },
    "ThreadCreate": {
        "subject": "Green tint after the storm",
        "body": "The water looks green since Sunday. Can you check it on Tuesday?",
        "type": "question",
    },
    "ThreadUpdate": {"status": "closed"},
    "MessageCreate": {
        "body": "Shock treatment done; it should clear within 48 hours.",
        "type": "answer",
        "replyToMessageId": MESSAGE_ID,
    },
    "MessageUpdate": {"body": "Shock treatment done; it should clear within 24 to 48 hours."},
    "InvoiceCreate": {
        "ownerId": OWNER_ID,
        "poolId": POOL_ID,
        "periodStart": "2026-05-01",
        "periodEnd": "2026-05-31",
        "dueDate": "2026-06-30",
        "taxRateBps": 2100,
        "lines": [
            {"description": "Weekly service, May", "quantity": 4, "unitPriceCents": 4500},
            {
                "description": "Shock treatment",
                "quantity": 1,
                "unitPriceCents": 2500,
                "visitId": VISIT_ID,
            },
        ],
    },
    "InvoiceUpdate": {"dueDate": "2026-07-15", "notes": "Thank you for your business."},
    "PaymentCreate": {
        "invoiceId": INVOICE_ID,
        "amountCents": 12000,
        "method": "bank_transfer",
        "reference": "TRF-2026-06-0042",
        "paidAt": "2026-06-12T10:00:00Z",
    },
    "WaterBalanceRequest": {
        "readings": {
            "ph": 7.8,
            "temperature": 27,
            "calciumHardness": 180,
            "alkalinity": 70,
            "cyanuricAcid": 30,
            "chlorine": 0.8,
        },
        "volumeLiters": 48000,
        "poolType": "chlorine",
    },
    "WebhookCreate": {
        "url": "https://hooks.example.com/poolia",
        "events": ["visit.completed", "alert.raised"],
        "description": "Service reports into our CRM",
    },
    "WebhookUpdate": {"events": ["visit.completed"], "active": True},
    "PasswordResetRequestIn": {"email": "ana.garcia@example.com"},
    "PasswordResetConfirmIn": {
        "token": "q8Zt3vN1xR6mB2wK9pL4cF7hJ0sA5dE1",
        "newPassword": "deep-end-2026",
    },
    "ServicePlanCreate": {
        "technicianId": TECHNICIAN_ID,
        "intervalWeeks": 1,
        "weekday": 2,
        "startTime": "09:00",
        "durationMinutes": 60,
        "startsOn": "2026-06-01",
        "checklist": ["skim", "brush walls", "empty baskets"],
        "priceCents": 4500,
    },
    "ServicePlanUpdate": {"startTime": "10:30", "durationMinutes": 45},
    "VisitComplete": {
        "visitedAt": "2026-06-02T09:40:00Z",
        "observations": "Walls brushed; baskets emptied.",
        "tasksDone": ["skim", "brush walls", "empty baskets"],
        "readings": {"ph": 7.4, "chlorine": 1.8, "temperature": 26.5},
    },
    "NotificationPreferencesIn": {
        "email": {
            "alerts": True,
            "visitReports": True,
            "messages": False,
            "invites": True,
            "billing": True,
        }
    },
}

# Binary uploads: the example names the part; Swagger UI shows a file picker for it.
UPLOAD_EXAMPLE = {"file": "pool.jpg"}


def add_request_examples(schema: dict[str, Any]) -> None:
    """Attach each request body's example to the operation and to the body's schema."""
    schemas = schema.get("components", {}).get("schemas", {})
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                name = content.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
                example = REQUEST_EXAMPLES.get(name)
                if example is None and media_type == "multipart/form-data":
                    example = UPLOAD_EXAMPLE
                if example is not None:
                    content["example"] = example
                    if name in schemas:
                        schemas[name]["examples"] = [example]

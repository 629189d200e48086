"""Who is told of each event (§17): the right people, never the actor, never inactive users;
in-app in the same request, email as the preferences allow."""

import asyncio

from app.notifications.models import EmailJob, Notification, NotificationPreferences
from app.pools.models import Pool
from app.users.models import Role, UserStatus
from tests.conftest import Caller
from tests.factories import auth_headers, make_invite, make_pool, make_user


async def _told(event: str) -> set[str]:
    found = await Notification.find({"event": event}).to_list()
    return {str(notification.user_id) for notification in found}


async def _emailed(kind: str) -> list[EmailJob]:
    return await EmailJob.find({"kind": kind}).to_list()


class TestAlertRaised:
    async def test_owner_and_technicians_not_the_actor(
        self, client, owner: Caller, technician: Caller, other_technician: Caller, settings
    ):
        second = await make_user(settings, role=Role.TECHNICIAN)
        pool = await make_pool(owner.user, technicians=[technician.user, second])
        response = await client.post(
            f"/pools/{pool.id}/visits",
            json={"readings": {"ph": 9.0, "chlorine": 0.1}},
            headers=technician.headers,
        )
        assert response.status_code == 201
        assert len(response.json()["alerts"]) == 2
        told = await Notification.find({"event": "alert.raised"}).to_list()
        assert sorted(str(n.user_id) for n in told) == sorted(
            [str(owner.user.id), str(second.id)] * 2
        )
        emails = await _emailed("alert.raised")
        assert sorted(job.to for job in emails) == sorted([owner.user.email, second.email] * 2)
        assert all(job.subject.startswith(f"[Poolia] {pool.name}: ") for job in emails)

    async def test_update_of_open_alert_tells_nobody_again(
        self, client, owner: Caller, technician: Caller, pool: Pool
    ):
        for ph in (9.0, 9.5):
            await client.post(
                f"/pools/{pool.id}/visits",
                json={"readings": {"ph": ph}},
                headers=technician.headers,
            )
        assert len(await Notification.find({"event": "alert.raised"}).to_list()) == 1

    async def test_inactive_owner_is_not_told(
        self, client, owner: Caller, technician: Caller, pool: Pool
    ):
        await owner.user.set({"status": UserStatus.INACTIVE})
        await client.post(
            f"/pools/{pool.id}/visits", json={"readings": {"ph": 9.0}}, headers=technician.headers
        )
        assert await _told("alert.raised") == set()
        assert await _emailed("alert.raised") == []

    async def test_preference_off_keeps_in_app_drops_email(
        self, client, owner: Caller, technician: Caller, pool: Pool
    ):
        await client.put(
            "/users/me/notification-preferences",
            json={
                "email": {
                    "alerts": False,
                    "visitReports": True,
                    "messages": True,
                    "invites": True,
                    "billing": True,
                }
            },
            headers=owner.headers,
        )
        assert await NotificationPreferences.get(owner.user.id) is not None
        await client.post(
            f"/pools/{pool.id}/visits", json={"readings": {"ph": 9.0}}, headers=technician.headers
        )
        assert await _told("alert.raised") == {str(owner.user.id)}
        assert await _emailed("alert.raised") == []
        # Another kind still arrives by email: the visit report.
        assert [job.to for job in await _emailed("visit.completed")] == [owner.user.email]


class TestVisitCompleted:
    async def test_report_to_owner(self, client, owner: Caller, technician: Caller, pool: Pool):
        await client.post(
            f"/pools/{pool.id}/visits",
            json={
                "readings": {"ph": 7.4, "chlorine": 1.5},
                "observations": "Brushed <walls>",
                "chemicalsAdded": [{"name": "chlorine", "amount": 2, "unit": "kg"}],
            },
            headers=technician.headers,
        )
        assert await _told("visit.completed") == {str(owner.user.id)}
        [job] = await _emailed("visit.completed")
        details = {detail.label: detail.value for detail in job.details}
        assert details["pH"] == "7.4"
        assert details["Chemical added"] == "chlorine: 2 kg"
        assert details["Observations"] == "Brushed <walls>"

    async def test_by_patch_once_and_never_for_cancelled(
        self, client, owner: Caller, technician: Caller, pool: Pool
    ):
        planned = {
            "poolId": str(pool.id),
            "technicianId": str(technician.user.id),
            "status": "scheduled",
            "scheduledStart": "2030-01-15T09:00:00Z",
            "scheduledEnd": "2030-01-15T10:00:00Z",
        }
        first = (await client.post("/visits", json=planned, headers=owner.headers)).json()
        second_body = {
            **planned,
            "scheduledStart": "2030-01-16T09:00:00Z",
            "scheduledEnd": "2030-01-16T10:00:00Z",
        }
        second = (await client.post("/visits", json=second_body, headers=owner.headers)).json()
        await client.patch(
            f"/visits/{second['id']}", json={"status": "cancelled"}, headers=technician.headers
        )
        assert await _told("visit.completed") == set()
        for _ in range(2):
            response = await client.patch(
                f"/visits/{first['id']}", json={"status": "completed"}, headers=technician.headers
            )
            assert response.status_code == 200
        told = await Notification.find({"event": "visit.completed"}).to_list()
        assert [(str(n.user_id), str(n.resource_id)) for n in told] == [
            (str(owner.user.id), first["id"])
        ]

    async def test_owner_completing_is_not_told(
        self, client, owner: Caller, pool: Pool, technician
    ):
        await client.post(
            f"/pools/{pool.id}/visits",
            json={"technicianId": str(technician.user.id), "readings": {"ph": 7.4}},
            headers=owner.headers,
        )
        assert await _told("visit.completed") == set()


class TestInvites:
    async def test_created_tells_the_technician(
        self, client, owner: Caller, pool: Pool, other_technician: Caller
    ):
        response = await client.post(
            f"/pools/{pool.id}/invites",
            json={"technicianEmail": other_technician.user.email, "message": "Mondays?"},
            headers=owner.headers,
        )
        assert response.status_code == 201
        assert await _told("invite.created") == {str(other_technician.user.id)}
        [job] = await _emailed("invite.created")
        assert job.link_path == f"/invites/{response.json()['id']}"
        assert "Mondays?" in job.body

    async def test_accepted_and_declined_tell_the_owner(
        self, client, owner: Caller, pool: Pool, other_technician: Caller, settings
    ):
        invite = await make_invite(pool, other_technician.user)
        await client.post(f"/invites/{invite.id}/accept", headers=other_technician.headers)
        assert await _told("invite.accepted") == {str(owner.user.id)}
        declining = await make_user(settings, role=Role.TECHNICIAN)
        second = await make_invite(pool, declining)
        await client.post(
            f"/invites/{second.id}/decline", headers=await auth_headers(settings, declining)
        )
        assert await _told("invite.declined") == {str(owner.user.id)}


class TestMessagePosted:
    async def test_owner_technicians_and_earlier_admin_author(
        self, client, owner: Caller, technician: Caller, admin: Caller, pool: Pool, settings
    ):
        removed = await make_user(settings, role=Role.TECHNICIAN)
        await pool.set({"technician_ids": [technician.user.id, removed.id]})
        created = await client.post(
            f"/pools/{pool.id}/threads",
            json={"subject": "Pump", "body": "It rattles."},
            headers=admin.headers,
        )
        thread_id = created.json()["thread"]["id"]
        removed_headers = await auth_headers(settings, removed)
        await client.post(
            f"/threads/{thread_id}/messages", json={"body": "On it."}, headers=removed_headers
        )
        await pool.set({"technician_ids": [technician.user.id]})  # `removed` leaves the pool
        await Notification.get_motor_collection().delete_many({})
        response = await client.post(
            f"/threads/{thread_id}/messages", json={"body": "Fixed."}, headers=technician.headers
        )
        assert response.status_code == 201
        told = await Notification.find({"event": "message.posted"}).to_list()
        assert {str(n.user_id) for n in told} == {str(owner.user.id), str(admin.user.id)}
        assert {str(n.resource_id) for n in told} == {response.json()["id"]}


async def test_concurrent_out_of_range_readings_raise_once(
    client, owner: Caller, technician: Caller, pool: Pool, store_latency
):
    """Two readings racing to open the same alert: one raise, so the owner is told once."""
    answers = await asyncio.gather(
        *(
            client.post(
                "/pool-values",
                json={"poolId": str(pool.id), "ph": ph},
                headers=technician.headers,
            )
            for ph in (9.0, 9.2, 8.8)
        )
    )
    assert {answer.status_code for answer in answers} == {201}
    told = await Notification.find({"event": "alert.raised"}).to_list()
    assert [str(n.user_id) for n in told] == [str(owner.user.id)]

"""Errors of the messaging domain."""

from app.core.errors import BadRequest, Conflict, NotFound


class ThreadNotFound(NotFound):
    code = "thread_not_found"
    detail = "The thread was not found."


class MessageNotFound(NotFound):
    code = "message_not_found"
    detail = "The message was not found."


class ThreadClosed(Conflict):
    code = "thread_closed"
    detail = "The thread is closed; reopen it before posting."


class ReplyNotInThread(BadRequest):
    code = "reply_not_in_thread"
    detail = "`replyToMessageId` must be a message of this thread."


class ThreadBusy(Conflict):
    code = "thread_busy"
    detail = "The thread changed while posting; try again."

"""The one kind of error a person is shown: a refusal or failure they can act on.

It lives here, below every layer, because the store refuses too (a write that lost a race with
another workstation, text the database cannot keep) and its refusals must reach the screen and the
command line the same way as the services' own. Services know it as ``services.context.ServiceError``.
"""
from __future__ import annotations


class ServiceError(Exception):
    """A refusal or failure a user can act on. The message is Chinese and says what to do."""

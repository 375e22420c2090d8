"""The shared router for /cases/ itself: intake (POST /) and the list (GET /) must live on one
router so that Django routes both methods of the same path to one view."""

from ninja import Router

cases = Router(tags=["cases"])

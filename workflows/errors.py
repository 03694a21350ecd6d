"""Errors a workflow raises; views show them as a message, the API answers 400 with them."""


class TransitionError(Exception):
    """A state change that is not allowed now; the message says why, in Dutch."""

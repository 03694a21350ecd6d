"""Every error of Hulpregie in one place: start-up configuration, and what a workflow refuses
(views show it as a message, the API answers 400 with it)."""


class ConfigError(Exception):
    """Start-up configuration is missing or malformed; the message is one clear line."""


class TransitionError(Exception):
    """A state change that is not allowed now; the message says why, in Dutch."""

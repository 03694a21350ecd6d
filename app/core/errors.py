class ConfigError(Exception):
    """Start-up configuration is missing or malformed; the message is one clear line."""

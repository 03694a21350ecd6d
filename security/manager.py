"""Hulpregie's FAB security manager: the place for authentication hardening."""

from flask_appbuilder.security.sqla.manager import SecurityManager


class HulpregieSecurityManager(SecurityManager):
    """FAB's SQLAlchemy security manager; roles come from security/roles.py (see sync_roles)."""

"""Server-side sessions (logout, password change and user removal end them) and API tokens
that expire and can be revoked.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the sessions table and the tokens' expiry and revocation times."""
    op.create_table(
        "sessions",
        sa.Column("id_sha256", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("sessions_user", "sessions", ["user_id"])
    with op.batch_alter_table("api_tokens") as t:
        # Tokens made before this migration get no expiry; revoke them if unwanted.
        t.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        t.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("api_tokens") as t:
        t.drop_column("revoked_at")
        t.drop_column("expires_at")
    op.drop_index("sessions_user", "sessions")
    op.drop_table("sessions")

"""«SIP-соединение» as a flag on the tariff, not its display name

Revision ID: 0002
Revises: 0001
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('tariff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_sip_connection', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Until now the rule went by the name the seed gives that tariff.
    op.execute("UPDATE tariff SET is_sip_connection = true WHERE code = 'sip_connection'")


def downgrade() -> None:
    with op.batch_alter_table('tariff', schema=None) as batch_op:
        batch_op.drop_column('is_sip_connection')

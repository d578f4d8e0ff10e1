"""abuse counters: per-address and per-number limits at the sign-in door

Revision ID: 0004
Revises: 0003
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('abusecounter',
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('window_started_at', sa.DateTime(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('blocked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('scope', 'subject')
    )
    with op.batch_alter_table('abusecounter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_abusecounter_window_started_at'), ['window_started_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('abusecounter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_abusecounter_window_started_at'))
    op.drop_table('abusecounter')

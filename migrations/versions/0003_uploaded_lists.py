"""uploaded lists of subscribers kept on the server

Revision ID: 0003
Revises: 0002
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('uploadedlist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['personalaccount.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('uploadedlist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_uploadedlist_user_id'), ['user_id'], unique=False)
    op.create_table('uploadedlistitem',
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['uploadedlist.id'], ),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ),
    sa.PrimaryKeyConstraint('list_id', 'position')
    )


def downgrade() -> None:
    op.drop_table('uploadedlistitem')
    with op.batch_alter_table('uploadedlist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_uploadedlist_user_id'))
    op.drop_table('uploadedlist')

"""letters tell their request items: the item an e-mail was queued for, its wording once sent, refused recipients

Revision ID: 0005
Revises: 0004
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('outboxemail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('sent_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('refused', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.create_foreign_key('fk_outboxemail_request_item_id', 'requestitem', ['request_item_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_outboxemail_request_item_id'), ['request_item_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outboxemail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outboxemail_request_item_id'))
        batch_op.drop_constraint('fk_outboxemail_request_item_id', type_='foreignkey')
        batch_op.drop_column('refused')
        batch_op.drop_column('sent_text')
        batch_op.drop_column('request_item_id')

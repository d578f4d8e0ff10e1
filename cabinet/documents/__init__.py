"""Documents rendered from the database: invoices, call detail, reconciliation acts (PDF, xlsx, txt)."""

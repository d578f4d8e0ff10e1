"""Finance of an account: charges, invoices, payments and the documents ordered by e-mail (C1–C7)."""

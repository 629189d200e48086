"""Billing: invoices, payments and customer statements (contract §18)."""

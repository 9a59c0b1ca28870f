"""Accounts: users, roles, sessions, login, password reset and invitations."""

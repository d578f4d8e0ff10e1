"""The domain: keyword-only service functions that check the actor, enforce the rules and return DTOs."""

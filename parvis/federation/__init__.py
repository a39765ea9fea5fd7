"""The city on the fediverse: ActivityPub actors, WebFinger, outbox, inbox and delivery."""

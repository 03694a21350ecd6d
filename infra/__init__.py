"""Infrastructure that every domain uses: the scheduler and its job table, the outbox and
mail, back-ups, calendar arithmetic. No domain rules live here."""

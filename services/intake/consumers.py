"""intake's event entrypoints: none yet — the AMQP task path (`task.submitted`) arrives with the Intake issue."""
HANDLERS: dict = {}

"""Working calendar: office hours, public holidays, city-set days off and make-up days, working-time arithmetic."""

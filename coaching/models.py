# Coaching models come with the coaching programme issue.

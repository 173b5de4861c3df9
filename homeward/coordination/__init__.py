"""The plan itself: every measure of the rules with its lead and cooperating units
(issue 7). Built so far: the measures as data and the responsibility matrix."""

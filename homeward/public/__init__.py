"""The public site under /public/: mobile first, no sign-in, whitelisted content only."""

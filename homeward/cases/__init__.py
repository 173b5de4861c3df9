"""Criminal case files under the 一长三包 responsibility system (rules 三、(一))."""

package kordon.extra

helper := 1

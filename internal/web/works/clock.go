package works

import "time"

type timeT = time.Time

// timeNow is the pages' clock: phases in words follow the store's.
var timeNow = time.Now

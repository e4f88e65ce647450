"""The WHOOP account side: a member's recovery, sleep, strain, workouts and body measurements."""

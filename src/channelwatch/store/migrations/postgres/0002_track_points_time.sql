-- The picture at a past time reads every track's points in a time window: index them by time.
CREATE INDEX track_points_time ON track_points (time, track_id);

"""Tests of what operators see: request logs, metrics, traces."""

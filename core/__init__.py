"""The queue domain: tickets, counters, calls, priority and estimates.

Everything here is a function over a sqlite-utils database and an explicit `now`, returning
frozen dataclasses. It must not import Flask, Socket.IO, printers or speech engines, nor read the
environment: the whole queue logic can be read and tested from this package alone.
"""

"""Booking: free slots, holds, requests, and live slot changes."""

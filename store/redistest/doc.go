// Package redistest runs a real, throwaway redis-server for tests, with Stop and Restart to simulate outages.
package redistest

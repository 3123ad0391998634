// Package demobot is a small "legacy" chatbot (page and widget, Rasa REST, OpenAI-compatible chat with SSE, WebSocket) that echoes what it receives, for the quickstart and end-to-end tests.
package demobot

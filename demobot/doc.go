// Package demobot is a small "legacy" chatbot (page and widget, Rasa REST, OpenAI- (chat completions and Responses) and Anthropic-compatible chat with SSE, WebSocket) that echoes what it receives, for the quickstart and end-to-end tests.
package demobot

package demobot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// chatRequest is the part of an OpenAI chat completion request the bot reads.
type chatRequest struct {
	Model         string        `json:"model"`
	Messages      []chatMessage `json:"messages"`
	Stream        bool          `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	Tools []struct {
		Type     string `json:"type"`
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	} `json:"tools"`
}

// toolName is the function the bot calls: the first function tool the request offers, "" for
// none.
func (req *chatRequest) toolName() string {
	for _, t := range req.Tools {
		if t.Type == "function" && t.Function.Name != "" {
			return t.Function.Name
		}
	}
	return ""
}

// toolArguments are the arguments of the bot's tool call: the prompt, as JSON text.
func toolArguments(prompt string) string {
	b, _ := json.Marshal(map[string]string{"message": prompt}) // a string always marshals
	return string(b)
}

// chatMessage is one request message; Content is a string or an array of parts.
type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// contentPart is one element of an array content; only "text" parts (the Responses API's
// "input_text") carry text.
type contentPart struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// text returns the message's text: the string, or its text parts joined by newlines.
func (m chatMessage) text() (string, error) {
	raw := bytes.TrimSpace(m.Content)
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		return "", nil
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case raw[0] == '[':
		var parts []contentPart
		if err := json.Unmarshal(raw, &parts); err != nil {
			return "", err
		}
		var texts []string
		for _, p := range parts {
			if p.Type == "text" || p.Type == "input_text" {
				texts = append(texts, p.Text)
			}
		}
		return strings.Join(texts, "\n"), nil
	default:
		return "", errors.New("content must be a string or an array of parts")
	}
}

// lastUserText returns the text of the last message with role "user".
func (req *chatRequest) lastUserText() (string, error) {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == "user" {
			return req.Messages[i].text()
		}
	}
	return "", errors.New("messages must contain a user message")
}

// chatUsage is the token accounting; the bot counts roughly four bytes a token.
type chatUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func usageFor(prompt, reply string) chatUsage {
	p, c := (len(prompt)+3)/4, (len(reply)+3)/4
	return chatUsage{PromptTokens: p, CompletionTokens: c, TotalTokens: p + c}
}

// chatCompletion is the non-streaming response.
type chatCompletion struct {
	ID      string       `json:"id"`
	Object  string       `json:"object"`
	Created int64        `json:"created"`
	Model   string       `json:"model"`
	Choices []chatChoice `json:"choices"`
	Usage   chatUsage    `json:"usage"`
}

type chatChoice struct {
	Index        int           `json:"index"`
	Message      assistantText `json:"message"`
	FinishReason string        `json:"finish_reason"`
}

type assistantText struct {
	Role      string     `json:"role"`
	Content   *string    `json:"content"` // null with tool calls
	ToolCalls []toolCall `json:"tool_calls,omitempty"`
}

// toolCall is a function call the bot makes, whole or (with Index) a streamed piece of one.
type toolCall struct {
	Index    *int         `json:"index,omitempty"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function toolFunction `json:"function"`
}

type toolFunction struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

// chatChunk is one streamed event.
type chatChunk struct {
	ID      string        `json:"id"`
	Object  string        `json:"object"`
	Created int64         `json:"created"`
	Model   string        `json:"model"`
	Choices []chunkChoice `json:"choices"`
	Usage   *chatUsage    `json:"usage,omitempty"`
}

type chunkChoice struct {
	Index        int        `json:"index"`
	Delta        chunkDelta `json:"delta"`
	FinishReason *string    `json:"finish_reason"`
}

type chunkDelta struct {
	Role      string     `json:"role,omitempty"`
	Content   *string    `json:"content,omitempty"`
	ToolCalls []toolCall `json:"tool_calls,omitempty"`
}

// prompter is a chat request body that knows its last user text.
type prompter interface{ lastUserText() (string, error) }

// readPrompt decodes the request body into req and returns its last user text, with *model set to
// DefaultModel when the request names none; or it answers 400 through fail, in the API's error
// shape, and reports false.
func readPrompt(w http.ResponseWriter, r *http.Request, req prompter, model *string, fail func(http.ResponseWriter, int, string)) (string, bool) {
	if err := json.NewDecoder(r.Body).Decode(req); err != nil {
		fail(w, http.StatusBadRequest, "invalid JSON body")
		return "", false
	}
	prompt, err := req.lastUserText()
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return "", false
	}
	if *model == "" {
		*model = DefaultModel
	}
	return prompt, true
}

// openAIError sends the error shape OpenAI clients parse.
func openAIError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"message": msg, "type": "invalid_request_error", "param": nil, "code": nil,
	}})
}

// handleChatCompletions answers POST /v1/chat/completions like OpenAI's API: it echoes the last
// user message, or, when the request offers a function tool, calls it with that message as the
// arguments' "message".
func (b *Bot) handleChatCompletions(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	prompt, ok := readPrompt(w, r, &req, &req.Model, openAIError)
	if !ok {
		return
	}
	reply := echoPrefix + prompt
	id := fmt.Sprintf("chatcmpl-demo%06d", b.ids.Add(1))
	created := time.Now().Unix()
	if req.Stream {
		b.streamCompletion(w, r, &req, id, created, prompt, reply)
		return
	}
	choice := chatChoice{Message: assistantText{Role: "assistant", Content: &reply}, FinishReason: "stop"}
	if name := req.toolName(); name != "" {
		choice.Message = assistantText{Role: "assistant", ToolCalls: []toolCall{{
			ID: id + "-call", Type: "function", Function: toolFunction{Name: name, Arguments: toolArguments(prompt)},
		}}}
		choice.FinishReason = "tool_calls"
	}
	writeJSON(w, http.StatusOK, chatCompletion{
		ID: id, Object: "chat.completion", Created: created, Model: req.Model,
		Choices: []chatChoice{choice},
		Usage:   usageFor(prompt, reply),
	})
}

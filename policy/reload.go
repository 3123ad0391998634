package policy

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

const (
	// reloadTimeout bounds one load: reading, compiling and running the pack's tests.
	reloadTimeout = 2 * time.Minute
	// watchDebounce is how long the watcher waits after the last change before reloading, so
	// that an editor's save or a deploy's many writes make one reload.
	watchDebounce = 250 * time.Millisecond
)

// Pack names, the label values of veil_policy_reloads_total.
const (
	packActive = "active"
	packShadow = "shadow"
)

// load reads, compiles and verifies the pack in dir ("" is the embedded pack).
func (e *Engine) load(ctx context.Context, dir string) (*compiled, int, error) {
	p, err := LoadPack(PackFS(dir))
	if err != nil {
		return nil, 0, fmt.Errorf("loading policy pack %s: %w", source(dir), err)
	}
	return e.compileVerified(ctx, p, dir)
}

func (e *Engine) compileVerified(ctx context.Context, p *Pack, dir string) (*compiled, int, error) {
	c, err := p.compile(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("loading policy pack %s: %w", source(dir), err)
	}
	passed, err := p.verify(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("loading policy pack %s: %w", source(dir), err)
	}
	if c.prog == nil {
		l := e.log.Warn().Err(c.planErr).Str(fieldSource, source(dir)).Str(fieldRevision, p.revision)
		if c.foldErr != nil {
			l = l.AnErr(fieldFoldError, c.foldErr)
		}
		l.Msg("policy pack not planned: OPA's topdown evaluates it, so uncached decisions are slower")
	}
	if p.tests == 0 {
		e.log.Warn().Str(fieldSource, source(dir)).Msg("policy pack has no *_test.rego files: nothing checks it before it is enforced")
	}
	return c, passed, nil
}

// Reload reads the pack again and, when it changed, compiles it, runs its tests and swaps it in
// atomically (clearing the decision cache). On any failure the last good policy stays active;
// the reason is logged, counted and reported by Status. The shadow pack, if any, is reloaded the
// same way; its failure never affects the active policy. Call it on SIGHUP.
func (e *Engine) Reload() error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), reloadTimeout)
	defer cancel()

	old := e.state.Load()
	next := &state{active: old.active, shadow: old.shadow}
	now := time.Now()

	active, passed, activeErr := e.reloadPack(ctx, e.cfg.Dir, old.active)
	e.statusMu.Lock()
	e.status.LastReload = now
	e.statusMu.Unlock()
	switch {
	case activeErr != nil:
		e.m.reloads.WithLabelValues(packActive, "rejected").Inc()
		e.m.reloadOK.Set(0)
		e.log.Error().Err(activeErr).Str(fieldRevision, old.active.pack.revision).
			Msg("policy reload rejected; the last good policy stays active")
		e.statusMu.Lock()
		e.status.LastError = activeErr.Error()
		e.statusMu.Unlock()
	case active == old.active:
		e.m.reloads.WithLabelValues(packActive, "unchanged").Inc()
		e.m.reloadOK.Set(1)
		e.statusMu.Lock()
		e.status.LastError = ""
		e.statusMu.Unlock()
	default:
		next.active = active
		e.m.reloads.WithLabelValues(packActive, "ok").Inc()
		e.m.reloadOK.Set(1)
		e.m.setFastPath(active)
		e.log.Info().Str(fieldRevision, active.pack.revision).Str("previous_revision", old.active.pack.revision).
			Int(fieldTests, passed).Msg("policy reloaded")
		e.statusMu.Lock()
		e.status.Revision, e.status.LoadedAt, e.status.TestsPassed, e.status.LastError = active.pack.revision, now, passed, ""
		e.statusMu.Unlock()
	}

	if e.cfg.ShadowDir != "" {
		sh, _, err := e.reloadPack(ctx, e.cfg.ShadowDir, old.shadow)
		e.statusMu.Lock()
		if err != nil {
			e.m.reloads.WithLabelValues(packShadow, "rejected").Inc()
			e.log.Error().Err(err).Str(fieldShadowRevision, old.shadow.pack.revision).
				Msg("shadow policy reload rejected; the last good shadow policy stays")
			e.status.ShadowError = err.Error()
		} else {
			if sh == old.shadow {
				e.m.reloads.WithLabelValues(packShadow, "unchanged").Inc()
			} else {
				e.m.reloads.WithLabelValues(packShadow, "ok").Inc()
				e.log.Info().Str(fieldShadowRevision, sh.pack.revision).Msg("shadow policy reloaded")
			}
			next.shadow = sh
			e.status.ShadowRevision, e.status.ShadowError = sh.pack.revision, ""
		}
		e.statusMu.Unlock()
	}

	if next.active != old.active || next.shadow != old.shadow {
		next.cache = newCache(e.cfg.CacheSize)
		e.state.Store(next)
	}
	if fn := e.onReload.Load(); fn != nil && (activeErr != nil || next.active != old.active) {
		(*fn)(next.active.pack.revision, activeErr)
	}
	return activeErr
}

// reloadPack loads the pack in dir; it returns cur itself when the content did not change.
func (e *Engine) reloadPack(ctx context.Context, dir string, cur *compiled) (*compiled, int, error) {
	p, err := LoadPack(PackFS(dir))
	if err != nil {
		return nil, 0, fmt.Errorf("loading policy pack %s: %w", source(dir), err)
	}
	if cur != nil && p.revision == cur.pack.revision {
		return cur, 0, nil
	}
	return e.compileVerified(ctx, p, dir)
}

// watch starts watching Dir and ShadowDir (and their subdirectories) and reloads, debounced,
// when a file changes.
func (e *Engine) watch() error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching policy directories: %w", err)
	}
	for _, dir := range []string{e.cfg.Dir, e.cfg.ShadowDir} {
		if dir == "" {
			continue
		}
		if err := addTree(w, dir); err != nil {
			_ = w.Close()
			return fmt.Errorf("watching policy directory %s: %w", dir, err)
		}
	}
	e.watcher = w
	e.wg.Add(1)
	go e.watchLoop(w)
	return nil
}

// addTree watches dir and every directory below it except hidden ones.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !de.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(de.Name(), ".") {
			return fs.SkipDir
		}
		return w.Add(p)
	})
}

func (e *Engine) watchLoop(w *fsnotify.Watcher) {
	defer e.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-e.done:
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					_ = addTree(w, ev.Name)
				}
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			timer.Reset(watchDebounce)
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			e.log.Warn().Err(err).Msg("watching policy directories")
		case <-timer.C:
			// A rejected reload is logged, counted and kept in Status by Reload itself.
			_ = e.Reload()
		}
	}
}

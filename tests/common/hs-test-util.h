/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-test-util.h: what every test that drives the engine needs: waiting for a
 * condition (never a fixed sleep), and running a command to completion.
 *
 * All of it runs the thread-default main context of the calling (main) thread.
 */
#pragma once

#include "hs-engine.h"
#include "hs-interp.h"

G_BEGIN_DECLS

typedef gboolean (*HsTestPredicate) (gpointer data);

/* Iterates the main context until @pred holds; fails the test after @seconds, naming @what. */
void          hs_test_wait_until   (HsTestPredicate  pred,
                                    gpointer         data,
                                    guint            seconds,
                                    const char      *what);
/* Lets the main loop run for @ms milliseconds (a window lays itself out and draws): for what
 * has no condition to wait for. */
void          hs_test_spin         (guint            ms);
/* A GAsyncReadyCallback that stores the result in *(GAsyncResult **) @user_data. */
void          hs_test_store_result (GObject         *object,
                                    GAsyncResult    *result,
                                    gpointer         user_data);
/* Waits (at most @seconds) for a result stored by hs_test_store_result(). */
GAsyncResult *hs_test_wait_result  (GAsyncResult   **slot,
                                    guint            seconds);
/* Runs one command line and returns its output, or NULL and the error. */
char         *hs_test_run          (HsInterp        *interp,
                                    const char      *line,
                                    GError         **error);
/* The same, failing the test on an error. */
char         *hs_test_run_ok       (HsInterp        *interp,
                                    const char      *line);
/* Runs @line, expecting it to fail: returns the error. */
GError       *hs_test_run_fail     (HsInterp        *interp,
                                    const char      *line);
/* Removes the files in @dir, then @dir (a test's temporary folder, one level deep). */
void          hs_test_remove_dir   (const char      *dir);
/* A "notify" handler that counts: *(guint *) @user_data goes up by one. */
void          hs_test_count_notify (GObject         *object,
                                    GParamSpec      *pspec,
                                    gpointer         user_data);
/* Drops the caller's reference to @object and waits until the object is finalized (the
 * engine's worker hands its last references back to the main context). */
void          hs_test_release_and_wait (gpointer    object,
                                        guint       seconds);
/* For hs_test_wait_until(): whether the engine is in the state. */
typedef struct
{
  HsEngine *engine;
  HsEngineState state;
} HsTestState;
gboolean      hs_test_engine_in_state (gpointer      data);

G_END_DECLS

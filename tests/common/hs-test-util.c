/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "hs-test-util.h"

#include <glib/gstdio.h>

void
hs_test_wait_until (HsTestPredicate  pred,
                    gpointer         data,
                    guint            seconds,
                    const char      *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!pred (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out after %u s waiting for %s", seconds, what);
      /* Blocking, but never for long: a condition may change without a source firing. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

void
hs_test_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

void
hs_test_store_result (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
hs_test_wait_result (GAsyncResult **slot,
                     guint          seconds)
{
  hs_test_wait_until (has_result, slot, seconds, "an asynchronous result");
  return *slot;
}

char *
hs_test_run (HsInterp    *interp,
             const char  *line,
             GError     **error)
{
  GAsyncResult *result = NULL;
  char *out;

  hs_interp_execute_async (interp, line, NULL, hs_test_store_result, &result);
  out = hs_interp_execute_finish (interp, hs_test_wait_result (&result, 120), error);
  g_object_unref (result);
  return out;
}

char *
hs_test_run_ok (HsInterp   *interp,
                const char *line)
{
  g_autoptr(GError) error = NULL;
  char *out = hs_test_run (interp, line, &error);

  if (error != NULL)
    g_error ("'%s' failed: %s", line, error->message);
  g_assert_nonnull (out);
  return out;
}

GError *
hs_test_run_fail (HsInterp   *interp,
                  const char *line)
{
  GError *error = NULL;
  g_autofree char *out = hs_test_run (interp, line, &error);

  if (error == NULL)
    g_error ("'%s' succeeded (printing '%s') but should have failed", line, out);
  g_assert_null (out);
  if (g_test_verbose ())
    g_test_message ("%s -> %s", line, error->message);
  return error;
}

static gboolean
is_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

void
hs_test_release_and_wait (gpointer  object,
                          guint     seconds)
{
  gpointer weak = object;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  hs_test_wait_until (is_gone, &weak, seconds, "the last reference to go");
}

gboolean
hs_test_engine_in_state (gpointer data)
{
  HsTestState *s = data;

  return hs_engine_get_state (s->engine) == s->state;
}

void
hs_test_count_notify (GObject    *object,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  (*(guint *) user_data)++;
}

void
hs_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-machine.h: one machine of the target: the hypervisor (machine 0) or a
 * guest virtual machine.
 *
 * Machine ids are stable for the session: guests get 1, 2, ... in ascending
 * domain-id order when first seen and keep their number while the session
 * lasts, even after their domain dies. An id may also be declared before the
 * guest is seen (Data.LOAD.Elf vmlinux 2:::...), so symbols can be loaded
 * while the target runs.
 */
#pragma once

#include <gio/gio.h>

#include "hs-module.h"
#include "hs-vcpu.h"

G_BEGIN_DECLS

typedef enum
{
  HS_MACHINE_HYPERVISOR,
  HS_MACHINE_GUEST,
} HsMachineKind;

typedef enum
{
  HS_MACHINE_STATE_DECLARED,  /* named by the user, not seen on the target yet */
  HS_MACHINE_STATE_PRESENT,   /* found in the hypervisor's domain list at the last halt */
  HS_MACHINE_STATE_GONE,      /* was present; no longer in the domain list */
} HsMachineState;

#define HS_TYPE_MACHINE (hs_machine_get_type ())
G_DECLARE_FINAL_TYPE (HsMachine, hs_machine, HS, MACHINE, GObject)

guint          hs_machine_get_id          (HsMachine *self);
const char    *hs_machine_get_name        (HsMachine *self);
HsMachineKind  hs_machine_get_kind        (HsMachine *self);
HsMachineState hs_machine_get_state       (HsMachine *self);
const char    *hs_machine_state_to_string (HsMachineState state);
/* -1 while unknown */
gint           hs_machine_get_domain_id   (HsMachine *self);
guint          hs_machine_get_vmid        (HsMachine *self);
guint64        hs_machine_get_vttbr       (HsMachine *self);
guint          hs_machine_get_n_vcpus     (HsMachine *self);
/* Its vCPUs (HsVcpu) as Xen listed them at the last halt, updated in place; empty for machine
 * 0 (its CPUs are the engine's cores) and for a guest not present. */
GListModel    *hs_machine_get_vcpus       (HsMachine *self);
/* Its kernel modules (HsModule) as the guest listed them at the last halt, updated in place. */
GListModel    *hs_machine_get_modules     (HsMachine *self);
/* The symbol files bound to this machine, e.g. "vmlinux-6.1.0-56-cloud-arm64". */
char          *hs_machine_describe        (HsMachine *self);


#ifndef __GI_SCANNER__
/* Not introspected: engine-only API and types. */
/* For the engine, which owns these objects (main thread): the views only read them. */
HsMachine *hs_machine_new        (guint           id,
                                  HsMachineKind   kind);
void       hs_machine_set_name   (HsMachine      *self,
                                  const char     *name);
void       hs_machine_set_state  (HsMachine      *self,
                                  HsMachineState  state);
void       hs_machine_set_guest  (HsMachine      *self,
                                  gint            domain_id,
                                  guint           vmid,
                                  guint64         vttbr,
                                  guint           n_vcpus);
/* Updates the vCPU objects in place from @records (in vCPU order); adds or removes items only
 * when the count changes. */
void       hs_machine_set_vcpus  (HsMachine          *self,
                                  const HsVcpuRecord *records,
                                  guint               n_records);

gboolean   hs_machine_set_modules (HsMachine           *self,
                                  const HsLinuxModule *records,
                                  guint                n_records);

#endif /* __GI_SCANNER__ */

G_END_DECLS

#include "hs-model-enums.h"

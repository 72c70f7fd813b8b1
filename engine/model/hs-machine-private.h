/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "hs-machine.h"
#include "hs-vcpu-private.h"

G_BEGIN_DECLS

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

G_END_DECLS

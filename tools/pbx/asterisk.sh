# shellcheck shell=bash disable=SC2034,SC2154
# Asterisk with its bundled pjproject, for tools/build-pbx (which sources this file; editing it
# builds a new prefix). The tarballs are `git archive`s, not release tarballs, so the pjproject
# step of Asterisk's build would check its MD5 and download: instead the pjproject tree gets
# Asterisk's patches here and is linked at third-party/pjproject/source, which Asterisk's build
# takes as an out-of-tree pjproject (third-party/pjproject/README-hacking.md, configure.m4).
TARBALLS=(asterisk-22.10.1.tar.gz pjproject-2.17.tar.gz)
PACKAGES=(build-essential pkg-config patch libssl-dev libjansson-dev libedit-dev libsqlite3-dev
  uuid-dev libxml2-dev libncurses-dev)
BINARY=sbin/asterisk
# What the sip_pbx target uses: PJSIP outbound registration, digest auth both ways, TLS, calls
# each way (Dial, Answer, Echo, the CLI's channel originate), the dialplan from extensions.conf.
ASTERISK_MODULES=(
  chan_pjsip res_pjsip res_pjsip_session res_pjsip_pubsub res_pjsip_outbound_registration
  res_pjsip_authenticator_digest res_pjsip_outbound_authenticator_digest
  res_pjsip_endpoint_identifier_ip res_pjsip_endpoint_identifier_user res_pjsip_registrar
  res_pjsip_sdp_rtp res_pjsip_caller_id res_pjsip_nat res_pjsip_logger res_pjsip_rfc3326
  res_pjsip_dtmf_info res_pjsip_header_funcs
  res_pjproject res_sorcery_config res_sorcery_memory res_sorcery_astdb res_rtp_asterisk
  res_timing_timerfd res_clioriginate
  pbx_config app_dial app_echo app_verbose func_callerid func_channel
  bridge_simple bridge_native_rtp codec_ulaw codec_alaw
)

build() {
  step "unpack" tar -xzf "$src/asterisk-22.10.1.tar.gz"
  step "unpack pjproject" tar -xzf "$src/pjproject-2.17.tar.gz"
  step "patch pjproject" asterisk-22.10.1/third-party/apply_patches \
    "$work/asterisk-22.10.1/third-party/pjproject/patches" "$work/pjproject-2.17"
  ln -s "$work/pjproject-2.17" asterisk-22.10.1/third-party/pjproject/source
  cd asterisk-22.10.1 || return
  # --disable-xmldoc: the documentation XML costs minutes and nothing here reads it
  step "configure" ./configure --prefix="$prefix" --disable-xmldoc --with-pjproject-bundled \
    --with-jansson-bundled=no
  # --disable-all also drops BUILD_NATIVE and the sound packages that make install downloads
  # shellcheck disable=SC2016  # expanded by the inner bash, from its arguments
  step "menuselect" bash -c 'make menuselect.makeopts && menuselect/menuselect --disable-all \
    --enable OPTIONAL_API $(printf -- "--enable %s " "$@") menuselect.makeopts' menuselect \
    "${ASTERISK_MODULES[@]}"
  step "make -j$jobs" make -j"$jobs"
  step "make install" make install
}

# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The official Python SDK (tencentcloud-sdk-python-ccc) used the way its examples show.

Page DescribeExtensions (0-based pages of 100), then DescribeExtension for each extension in a
serial loop, with the SDK's defaults or its StandardRetryer (--retryer). The one departure from a
user's script: a failed read is counted and the loop goes on, so that the benchmark can report how
many of N failed. Prints one JSON line of counts, never a password. Credentials come from
TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY.
"""

import argparse
import collections
import json
import os
import signal
import sys

from tencentcloud.ccc.v20200210 import ccc_client, models
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.common.retry import StandardRetryer


class Interrupted(BaseException):
    """SIGTERM (the benchmark's time limit): report what was done so far. Not an Exception, since the
    SDK turns every Exception raised inside a call into a TencentCloudSDKException."""


def interrupted(_signum, _frame):
    raise Interrupted()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--endpoint", required=True, help="host:port of the emulator (plain http)")
    parser.add_argument("--sdk-app-id", type=int, required=True)
    parser.add_argument("--retryer", action="store_true", help="use tencentcloud.common.retry.StandardRetryer()")
    parser.add_argument("--extension-id", help="read only this extension, without listing")
    args = parser.parse_args()
    cred = credential.Credential(os.environ["TENCENTCLOUD_SECRET_ID"], os.environ["TENCENTCLOUD_SECRET_KEY"])
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=args.endpoint, protocol="http"), retryer=StandardRetryer() if args.retryer else None)
    client = ccc_client.CccClient(cred, "", profile)
    ids = [args.extension_id] if args.extension_id else []
    page = 0
    while not args.extension_id:
        request = models.DescribeExtensionsRequest()
        request.SdkAppId, request.PageNumber, request.PageSize = args.sdk_app_id, page, 100
        try:
            response = client.DescribeExtensions(request)
        except TencentCloudSDKException as err:
            print(json.dumps({"listed": 0, "read": 0, "failures": 0, "listing_failed": err.get_code()}))
            return 1
        ids.extend(item.ExtensionId for item in response.ExtensionList or [])
        page += 1
        if not response.ExtensionList or len(ids) >= (response.Total or 0):
            break
    errors = collections.Counter()
    read = done = 0
    signal.signal(signal.SIGTERM, interrupted)
    try:
        for extension_id in ids:
            request = models.DescribeExtensionRequest()
            request.SdkAppId, request.ExtensionId = args.sdk_app_id, extension_id
            try:
                response = client.DescribeExtension(request)
            except TencentCloudSDKException as err:
                errors[err.get_code()] += 1
                continue
            finally:
                done += 1
            if response.Password:
                read += 1
            else:
                errors["NoPassword"] += 1
    except Interrupted:
        done -= 1  # the read in progress did not finish
    print(json.dumps({"listed": len(ids), "done": done, "read": read, "failures": sum(errors.values()), "errors": dict(errors)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

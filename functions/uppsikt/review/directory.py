"""The Cognito user pool as the review's directory: sign-in, a user's language, group members,
and the operator's `uppsikt users add` (users and their `<org>:<role>` groups)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from uppsikt.review.errors import LoginFailed
from uppsikt.review.model import Role, group_name

LANGUAGE_ATTRIBUTE = "locale"  # a standard attribute: no schema change to the pool


@dataclass(frozen=True)
class CognitoDirectory:
    client: Any  # boto3 cognito-idp client
    user_pool_id: str
    client_id: str

    def login(self, username: str, password: str) -> tuple[str, int]:
        try:
            answer = self.client.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        except (
            self.client.exceptions.NotAuthorizedException,
            self.client.exceptions.UserNotFoundException,
            self.client.exceptions.InvalidParameterException,
        ):
            raise LoginFailed("the user name or password is not right") from None
        result = answer.get("AuthenticationResult")
        if not result:  # a challenge (new password, MFA): not handled by this route
            raise LoginFailed("the sign-in needs a step this API does not handle")
        return str(result["IdToken"]), int(result.get("ExpiresIn", 3600))

    def language(self, username: str) -> str | None:
        user = self.client.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        for attribute in user.get("UserAttributes", []):
            if attribute["Name"] == LANGUAGE_ATTRIBUTE:
                return str(attribute["Value"])
        return None

    def set_language(self, username: str, language: str) -> None:
        self.client.admin_update_user_attributes(
            UserPoolId=self.user_pool_id,
            Username=username,
            UserAttributes=[{"Name": LANGUAGE_ATTRIBUTE, "Value": language}],
        )

    def members(self, group: str) -> set[str]:
        subs: set[str] = set()
        try:
            pages = self.client.get_paginator("list_users_in_group").paginate(
                UserPoolId=self.user_pool_id, GroupName=group
            )
            for page in pages:
                for user in page["Users"]:
                    subs |= {a["Value"] for a in user.get("Attributes", []) if a["Name"] == "sub"}
        except self.client.exceptions.ResourceNotFoundException:
            return set()
        return subs

    def add_user(self, username: str, password: str, memberships: list[tuple[str, Role]]) -> str:
        """Create (or update) a user with a permanent password and put them in their groups;
        returns their `sub`. Groups are made on first use (one per organisation and role)."""
        with contextlib.suppress(self.client.exceptions.UsernameExistsException):
            self.client.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=username,
                MessageAction="SUPPRESS",
                TemporaryPassword=password,
            )
        self.client.admin_set_user_password(
            UserPoolId=self.user_pool_id, Username=username, Password=password, Permanent=True
        )
        for org_id, role in memberships:
            group = group_name(org_id, role)
            with contextlib.suppress(self.client.exceptions.GroupExistsException):
                self.client.create_group(UserPoolId=self.user_pool_id, GroupName=group)
            self.client.admin_add_user_to_group(
                UserPoolId=self.user_pool_id, Username=username, GroupName=group
            )
        user = self.client.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        return str(next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub"))

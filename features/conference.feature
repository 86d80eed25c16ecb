@conference
Feature: Conference
  The owner invites another agent to a conference (StartConference); the
  invitee accepts (becomes a Member) or rejects. A party leaves with
  EndConference (also accepted under the page's name LeaveConference); the
  owner may name a member to remove. When the owner leaves, the earliest
  member becomes owner; the last one left keeps ownership. While a
  conference is on, the owner may not place the interaction in a queue or
  workbin, nor transfer it.

  Background:
    Given alice, bob, carol and dave are listening
    And an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing

  @B4.1 @B4.12 @B4.18
  Scenario: The owner invites an agent, who is offered the conference
    When alice invites carol to a conference on it
    Then carol receives on /v2/me/interactions:
      """
      {
        "notificationType": "StatusChange",
        "id": "{{it}}",
        "state": "InvitedConference",
        "capabilities": ["{{contains}}", "Accept", "Reject"],
        "ownerId": "{{alice.id}}"
      }
      """
    And carol's last notification has 2 participants
    And carol's last notification has 2 capabilities
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And no one else is notified
    And carol sees it as InvitedConference
    And carol has it among her interactions

  @B4.1 @B4.4 @B4.12
  Scenario: The invitee accepts and becomes a member
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    When carol accepts it
    Then carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member with capabilities StopProcessing, UpdateProperties, StartConference, EndConference, Reply, ReplyAll and Forward
    And no one else is notified
    And carol sees it as Processing with capabilities UpdateProperties and EndConference
    And alice sees it as Processing with capabilities StopProcessing, UpdateProperties, StartConference, EndConference, Reply, ReplyAll and Forward

  @B4.2 @B4.5
  Scenario: The invitee rejects and the owner is alone again
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    When carol rejects it
    Then carol is notified that she rejected it
    And alice is notified that the participants are now alice as Owner with capabilities StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And no one else is notified
    And carol no longer has it among her interactions

  @B4.2
  Scenario: The control API revokes a conference invitation
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    When its offer is revoked
    Then carol is notified that it is Revoked
    And alice is notified that the participants are now alice as Owner with capabilities StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And no one else is notified
    And carol no longer has it among her interactions

  @B4.2
  Scenario: The control API's stop tells the owner Completed and the conference invitee Revoked
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    When control sends POST /control/v1/interactions/{{it}}/stop
    Then the response status is 200
    And carol is notified that it is Revoked
    And alice is notified that it is Completed
    And no one else is notified
    And carol no longer has it among her interactions
    And alice no longer has it among her interactions

  @B4.2 @B4.13
  Scenario: A member leaves, and the owner is told
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When carol leaves the conference
    Then carol is notified that it is LeftConference
    And alice is notified that carol left the conference with capabilities StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    And no one else is notified
    And carol no longer has it among her interactions
    And alice sees it as Processing

  @B4.13
  Scenario: The page's LeaveConference name works too
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When carol sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "LeaveConference"}
      """
    Then the request succeeds
    And carol is notified that it is LeftConference
    And alice is notified that carol left the conference
    And no one else is notified

  @B4.2 @B4.13
  Scenario: The owner leaves, and the member keeps the interaction
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When alice leaves the conference
    Then alice is notified that it is LeftConference
    And carol receives on /v2/me/interactions:
      """
      {
        "notificationType": "ParticipantsUpdated",
        "id": "{{it}}",
        "state": "LeftConference",
        "leftAgentId": "{{alice.id}}",
        "ownerId": "{{carol.id}}",
        "capabilities": ["{{contains}}", "StopProcessing", "PlaceInQueue", "UpdateProperties", "PlaceInWorkbin", "Transfer", "StartConference"],
        "participants": [{"userId": "{{carol.id}}", "userName": "{{carol.userName}}", "role": "Owner"}]
      }
      """
    And no one else is notified
    And alice no longer has it among her interactions
    And carol sees it as Processing

  @B4.13
  Scenario: The owner removes a member
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When alice removes carol from the conference
    Then carol is notified that it is LeftConference
    And alice is notified that carol left the conference
    And no one else is notified
    And carol no longer has it among her interactions

  @B4.13
  Scenario: With two members, the earliest member becomes owner when the owner leaves
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    And alice invites dave to a conference on it
    And dave is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner, carol as Member and dave as InvitedConference
    And carol is notified that the participants are now alice as Owner, carol as Member and dave as InvitedConference
    And dave accepts it
    And dave is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner, carol as Member and dave as Member
    And carol is notified that the participants are now alice as Owner, carol as Member and dave as Member
    When alice leaves the conference
    Then alice is notified that it is LeftConference
    And carol is notified that alice left the conference with capabilities StopProcessing, UpdateProperties, StartConference, EndConference, Reply, ReplyAll and Forward
    And dave is notified that alice left the conference with capabilities UpdateProperties and EndConference
    And no one else is notified
    When carol sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"ownerId": "{{carol.id}}", "participants": ["{{contains}}", {"userName": "{{carol.userName}}", "role": "Owner"}, {"userName": "{{dave.userName}}", "role": "Member"}]}}
      """
    And the response has 2 interaction.participants

  @B4.1 @B4.8
  Scenario: A member updates the properties, and every party is told
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When carol updates its properties with:
      """
      {"note": "customer called back"}
      """
    Then carol is notified that its user data is now:
      """
      {"note": "customer called back"}
      """
    And alice is notified that its user data is now:
      """
      {"note": "customer called back"}
      """
    And no one else is notified

  @B4.2 @B4.6
  Scenario: StopProcessing completes the interaction for every party
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When alice stops processing it
    Then alice is notified that it is Completed
    And carol is notified that it is Completed
    And no one else is notified
    And alice no longer has it among her interactions
    And carol no longer has it among her interactions

  Scenario Outline: While a conference is on, the owner may not <what>
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When alice tries to <what>
    Then the request is refused with status 409
    And no one else is notified

    @B4.7
    Examples: PlaceInQueue
      | what                              |
      | place it in queue email-inbound   |

    @B4.9
    Examples: PlaceInWorkbin
      | what                              |
      | place it in workbin alice-workbin |

    @B4.11
    Examples: Transfer
      | what                              |
      | transfer it to bob                |

  @B4.12
  Scenario: Inviting an agent who already takes part is refused with 409
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    When alice tries to invite carol to a conference on it
    Then the request is refused with status 409
    And no one else is notified

  @B4.12
  Scenario: Inviting an unknown agent, or nobody, is refused with 400
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "StartConference", "agentId": "nobody-at-all"}
      """
    Then the request is refused with status 400, naming "agentId"
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "StartConference"}
      """
    Then the request is refused with status 400, naming "agentId"
    And no one else is notified

  @B4.12
  Scenario: Only the owner may start a conference
    When bob tries to invite carol to a conference on it
    Then the request is refused with status 403
    And no one else is notified

  @B4.13
  Scenario: A member may not remove another party
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When carol tries to remove alice from the conference
    Then the request is refused with status 403
    And no one else is notified

  @B4.13
  Scenario: Removing an unknown agent from the conference is refused with 400
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "EndConference", "agentId": "nobody-at-all"}
      """
    Then the request is refused with status 400, naming "agentId"
    And no one else is notified

  @B4.13
  Scenario: The owner may not remove an agent who is only invited to the conference
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    And alice invites dave to a conference on it
    And dave is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner, carol as Member and dave as InvitedConference
    And carol is notified that the participants are now alice as Owner, carol as Member and dave as InvitedConference
    When alice tries to remove dave from the conference
    Then the request is refused with status 409
    And no one else is notified
    And dave sees it as InvitedConference

  @B4.13
  Scenario: The owner may not remove an agent who takes no part in the interaction
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When alice tries to remove bob from the conference
    Then the request is refused with status 409
    And no one else is notified
    And carol sees it as Processing with capabilities UpdateProperties and EndConference

  @B4.13
  Scenario: Leaving when no conference is on is refused with 409
    When alice tries to leave the conference
    Then the request is refused with status 409
    And no one else is notified
    And alice sees it as Processing

  @B4.13
  Scenario: A non-party may not leave a conference
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When bob tries to leave the conference
    Then the request is refused with status 403
    And no one else is notified

  @B3.1 @B4.1 @B4.2 @B4.3 @B4.4 @B4.12 @B4.13
  Scenario: Through a whole conference, each party's REST view agrees with her notifications
    Given alice's last notification matches:
      """
      {"receivedDate": "{{capture:received}}"}
      """
    When alice invites carol to a conference on it
    Then carol is notified that it is InvitedConference
    And carol's last notification matches:
      """
      {"ownerId": "{{alice.id}}", "receivedDate": "{{received}}"}
      """
    And carol's view of it agrees with her last notification
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And alice's view of it agrees with her last notification
    And no one else is notified
    When carol accepts it
    Then carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And carol's last notification matches:
      """
      {"ownerId": "{{alice.id}}", "receivedDate": "{{received}}"}
      """
    And carol's view of it agrees with her last notification
    And alice is notified that the participants are now alice as Owner and carol as Member
    And alice's view of it agrees with her last notification
    And no one else is notified
    When carol leaves the conference
    Then carol is notified that it is LeftConference
    And carol's view of it agrees with her last notification
    And alice is notified that carol left the conference
    # carol is gone from the participants, in the message and in REST
    And alice's last notification matches:
      """
      {"ownerId": "{{alice.id}}", "receivedDate": "{{received}}", "participants": [{"userId": "{{alice.id}}", "userName": "{{alice.userName}}", "role": "Owner"}]}
      """
    And alice's view of it agrees with her last notification
    And no one else is notified
    And carol sees it as Processing with capabilities none
    And carol no longer has it among her interactions

  @B3.1 @B4.3 @B4.13
  Scenario: When the owner leaves, the new owner's REST view agrees, and the old owner reads it as a non-party
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When alice leaves the conference
    Then alice is notified that it is LeftConference
    And alice's view of it agrees with her last notification
    And carol is notified that alice left the conference
    And carol's last notification matches:
      """
      {"ownerId": "{{carol.id}}", "participants": [{"userId": "{{carol.id}}", "userName": "{{carol.userName}}", "role": "Owner"}]}
      """
    And carol's view of it agrees with her last notification
    And no one else is notified
    And alice sees it as Processing with capabilities none
    And carol sees it as Processing

  @B3.1 @B4.5 @B4.12
  Scenario: After a conference invitation is rejected, the owner's REST view drops the invitee
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    When carol rejects it
    Then carol is notified that she rejected it
    And carol's view of it agrees with her last notification
    And alice is notified that the participants are now alice as Owner
    And alice's view of it agrees with her last notification
    And no one else is notified
    And carol sees it as Processing with capabilities none

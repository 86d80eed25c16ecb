@accept-reject
Feature: Accept and Reject
  An interaction offered to an agent (state Invited, capabilities Accept
  and Reject) is accepted, and the agent owns it (Processing), or rejected,
  and it is routed again without that agent. The HTTP answer is
  {"status":"ok","statusCode":0,"referenceId":N}; the outcome arrives on
  /v2/me/interactions, and the caller's messages repeat N. After Reject
  the agent is told Completed (the published Reject page) or Rejected. A
  refused operation answers {"status":"error","errorDescription",
  "statusCode","statusMessage"}, changes nothing and sends nothing.

  Background:
    Given alice, bob, carol and dave are Ready on email
    And alice, bob, carol and dave are listening

  @B3.1 @B3.6 @B4.1 @B4.4 @B4.18
  Scenario: The invited agent accepts and owns the interaction
    Given an email is routed to alice
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Accept"}
      """
    Then the response status is 200
    And the response matches:
      """
      {"status": "ok", "statusCode": 0, "referenceId": "{{capture:accepted}}"}
      """
    And alice receives on /v2/me/interactions:
      """
      {
        "messageTypeName": "InteractionStateMessage",
        "notificationType": "StatusChange",
        "referenceId": "{{accepted}}",
        "id": "{{it}}",
        "channel": "email",
        "state": "Processing",
        "capabilities": ["{{contains}}", "StopProcessing", "PlaceInQueue", "UpdateProperties", "PlaceInWorkbin", "Transfer", "StartConference"],
        "ownerId": "{{alice.id}}",
        "participants": [{"userId": "{{alice.id}}", "userName": "{{alice.userName}}", "role": "Owner"}],
        "uri": "{{it.uri}}",
        "path": "/interactions/{{it}}"
      }
      """
    And no one else is notified
    And alice's view of it agrees with her last notification
    And alice sees it as Processing
    And alice has it among her interactions

  @B4.4
  Scenario: A second Accept is refused with 409 and changes nothing
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice tries to accept it
    Then the response matches:
      """
      {"status": "error", "errorDescription": "{{capture:why}}", "statusCode": 2, "statusMessage": "{{capture:why}}", "referenceId": "{{absent}}"}
      """
    And the request is refused with status 409
    And no one else is notified
    And alice sees it as Processing

  @B4.4
  Scenario: Another agent cannot accept an offer made to someone else
    Given an email is routed to alice
    When bob tries to accept it
    Then the request is refused with status 403
    And no one else is notified
    And alice sees it as Invited
    And bob does not have it among his interactions

  Scenario: Accepting an interaction that does not exist
    When alice sends POST /api/v2/me/interactions/0000000000000000 with:
      """
      {"operationName": "Accept"}
      """
    Then the request is refused with status 404
    And no one else is notified

  @B4.2 @B4.5 @B5.1 @B5.4
  Scenario: The invited agent rejects and the interaction is offered to another agent
    Given an email is routed to alice
    When alice rejects it
    Then alice receives on /v2/me/interactions:
      """
      {
        "notificationType": "StatusChange",
        "id": "{{it}}",
        "state": "{{regex:^(Rejected|Completed)$}}",
        "capabilities": [],
        "referenceId": "{{alice.referenceId}}"
      }
      """
    And one of bob, carol and dave is offered it, without a referenceId
    And no one else is notified
    And alice no longer has it among her interactions

  @B4.5
  Scenario: A Reject after Accept is refused with 409
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice tries to reject it
    Then the request is refused with status 409
    And no one else is notified
    And alice sees it as Processing

  @B4.5
  Scenario: Another agent cannot reject an offer made to someone else
    Given an email is routed to alice
    When bob tries to reject it
    Then the request is refused with status 403
    And no one else is notified
    And alice sees it as Invited

  Scenario: Rejecting an interaction that does not exist
    When bob sends POST /api/v2/me/interactions/0000000000000000 with:
      """
      {"operationName": "Reject"}
      """
    Then the request is refused with status 404

  @B4.2 @B5.4
  Scenario: The control API revokes an offer, which goes to another agent
    Given an email is routed to alice
    When its offer is revoked
    Then alice is notified that it is Revoked
    And alice's notification carries no referenceId
    And one of bob, carol and dave is offered it, without a referenceId
    And no one else is notified
    And alice no longer has it among her interactions

  Scenario: The control API cannot revoke an interaction whose offer was accepted
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When control sends POST /control/v1/interactions/{{it}}/revoke
    Then the response status is 409
    And no one else is notified
    And alice sees it as Processing

  @B4.2
  Scenario: The control API's stop ends an interaction still offered: the invited agent is told Revoked
    Given an email is routed to alice
    When control sends POST /control/v1/interactions/{{it}}/stop
    Then the response status is 200
    And alice is notified that it is Revoked
    And alice's notification carries no referenceId
    And no one else is notified
    And alice no longer has it among her interactions

  Scenario: A body that is not JSON is refused with 400
    Given an email is routed to alice
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Accept"
      """
    Then the request is refused with status 400
    And no one else is notified
    And alice sees it as Invited

  Scenario: A body without operationName is refused with 400
    Given an email is routed to alice
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operation": "Accept"}
      """
    Then the request is refused with status 400, naming "operationName"
    And no one else is notified

  Scenario: An unknown operationName is refused with 400
    Given an email is routed to alice
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Complete"}
      """
    Then the request is refused with status 400
    And no one else is notified
    And alice sees it as Invited

  Scenario: A wrongly typed operationName is refused with 400
    Given an email is routed to alice
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": 1}
      """
    Then the request is refused with status 400
    And no one else is notified

  @B4.15 @B7.9 @B7.17
  Scenario Outline: Every operation on an interaction that does not exist answers 404 (<operation>)
    When alice sends POST /api/v2/me/interactions/0000000000000000 with:
      """
      <body>
      """
    Then the request is refused with status 404
    And no one else is notified

    Examples:
      | operation        | body                                                                      |
      | Accept           | {"operationName": "Accept"}                                               |
      | Reject           | {"operationName": "Reject"}                                               |
      | StopProcessing   | {"operationName": "StopProcessing"}                                       |
      | PlaceInQueue     | {"operationName": "PlaceInQueue", "queue": "{{queues.email-inbound}}"}    |
      | UpdateProperties | {"operationName": "UpdateProperties", "properties": {"a": 1}}             |
      | PlaceInWorkbin   | {"operationName": "PlaceInWorkbin", "workbin": "{{workbins.alice-workbin}}"} |
      | Transfer         | {"operationName": "Transfer", "targetId": "{{bob.id}}"}                   |
      | StartConference  | {"operationName": "StartConference", "agentId": "{{bob.id}}"}             |
      | EndConference    | {"operationName": "EndConference"}                                        |
      | LeaveConference  | {"operationName": "LeaveConference"}                                      |
      | ReplyAll         | {"operationName": "ReplyAll"}                                             |
      | Forward          | {"operationName": "Forward", "to": "claims@example.com"}                  |
      | Send             | {"operationName": "Send"}                                                 |
      | CancelReply      | {"operationName": "CancelReply"}                                          |
      | Cancel           | {"operationName": "Cancel"}                                               |
      | SendNotification | {"operationName": "SendNotification", "notification": "TypingStarted"}    |
      | RequestChatHistory | {"operationName": "RequestChatHistory"}                                 |

  @B3.1 @B4.3 @B4.5 @B5.3 @B5.4
  Scenario: A rejected interaction waits rather than go back to the agent who rejected it
    # alice is the only Ready agent: once she rejects it, nobody is eligible
    Given bob is made NotReady on email
    And bob is notified that he is NotReady on email
    And carol is made NotReady on email
    And carol is notified that she is NotReady on email
    And dave is made NotReady on email
    And dave is notified that he is NotReady on email
    And an email is routed to alice
    And alice's view of it agrees with her last notification
    When alice rejects it
    Then alice is notified that she rejected it
    And alice's view of it agrees with her last notification
    And no one else is notified
    And alice sees it as Queued with capabilities none
    And alice no longer has it among her interactions

  @mock @B5.4
  Scenario: Routing it again through the control API clears the exclusion of the agent who rejected it
    Given bob is made NotReady on email
    And bob is notified that he is NotReady on email
    And carol is made NotReady on email
    And carol is notified that she is NotReady on email
    And dave is made NotReady on email
    And dave is notified that he is NotReady on email
    And an email is routed to alice
    And alice rejects it
    And alice is notified that she rejected it
    And no one else is notified
    When it is routed again
    Then alice is notified that it is Invited
    And no one else is notified

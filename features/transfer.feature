@transfer
Feature: Transfer
  The owner hands the interaction to another agent (targetId: a user id or
  userName of an agent handling the channel). The caller's ownership ends
  at once (Transferred); the target is offered it (Invited). If the target
  rejects, the interaction is routed from its current queue.

  Background:
    Given alice is Ready on email
    And carol and dave are NotReady on email
    And alice, bob, carol and dave are listening
    And an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing

  @B4.2 @B4.4 @B4.11 @B4.18
  Scenario: The owner transfers to another agent, who accepts
    When alice transfers it to bob
    Then alice is notified that it is Transferred
    And bob receives on /v2/me/interactions:
      """
      {
        "notificationType": "StatusChange",
        "id": "{{it}}",
        "state": "Invited",
        "capabilities": ["{{contains}}", "Accept", "Reject"],
        "participants": [{"userId": "{{bob.id}}", "userName": "{{bob.userName}}", "role": "Invited"}]
      }
      """
    And bob's last notification has 2 capabilities
    And no one else is notified
    And alice no longer has it among her interactions
    And bob has it among his interactions
    When bob accepts it
    Then bob receives on /v2/me/interactions:
      """
      {"notificationType": "StatusChange", "id": "{{it}}", "state": "Processing", "ownerId": "{{bob.id}}", "participants": [{"userName": "{{bob.userName}}", "role": "Owner"}]}
      """
    And no one else is notified

  @B4.11 @B5.5
  Scenario: The target may be named by its userName
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Transfer", "targetId": "{{carol.userName}}"}
      """
    Then the request succeeds
    And alice is notified that it is Transferred
    And carol is notified that it is Invited
    And no one else is notified

  @B4.5 @B4.11 @B5.4
  Scenario: When the target rejects, the interaction is routed from its queue
    Given alice transfers it to bob
    And alice is notified that it is Transferred
    And bob is notified that it is Invited
    When bob rejects it
    Then bob is notified that he rejected it
    # carol and dave are NotReady and bob rejected it: alice is the one eligible agent
    And alice receives on /v2/me/interactions:
      """
      {"notificationType": "StatusChange", "id": "{{it}}", "state": "Invited", "currentQueue": "{{queues.email-inbound}}"}
      """
    And no one else is notified

  @B4.11
  Scenario: Transfer to an unknown agent is refused
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Transfer", "targetId": "nobody-at-all"}
      """
    Then the request is refused with status 400, naming "targetId"
    And no one else is notified
    And alice sees it as Processing

  @B4.11
  Scenario: Transfer without a target is refused
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Transfer"}
      """
    Then the request is refused with status 400, naming "targetId"
    And no one else is notified

  @B1.2 @B4.11
  Scenario: Transfer to an agent who does not handle the channel is refused
    Given a workitem is routed to carol
    And carol accepts it
    And carol is notified that it is Processing
    When carol tries to transfer it to alice
    Then the request is refused with status 400
    And no one else is notified
    And carol sees it as Processing

  @B4.11
  Scenario: Only the owner may transfer
    When bob tries to transfer it to carol
    Then the request is refused with status 403
    And no one else is notified
    And alice sees it as Processing

  @B4.11 @B4.12
  Scenario: Transfer while a conference is on is refused with 409
    Given alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When alice tries to transfer it to bob
    Then the request is refused with status 409
    And no one else is notified

  @B3.1 @B3.2 @B4.2 @B4.3 @B4.4 @B4.11
  Scenario: After a transfer the target owns it, and REST agrees with every notification
    Given alice's last notification matches:
      """
      {"ownerId": "{{alice.id}}", "receivedDate": "{{capture:received}}"}
      """
    When alice transfers it to bob
    Then alice is notified that it is Transferred
    # the caller's ownership ends at once; bob is only offered it
    And alice's last notification matches:
      """
      {"ownerId": "{{absent}}", "receivedDate": "{{received}}", "participants": [{"userId": "{{bob.id}}", "userName": "{{bob.userName}}", "role": "Invited"}]}
      """
    And alice's view of it agrees with her last notification
    And bob is notified that it is Invited
    And bob's last notification matches:
      """
      {"ownerId": "{{absent}}", "receivedDate": "{{received}}"}
      """
    And bob's view of it agrees with his last notification
    And no one else is notified
    And alice sees it as Invited with capabilities none
    When bob accepts it
    Then bob is notified that it is Processing
    And bob's last notification matches:
      """
      {"ownerId": "{{bob.id}}", "receivedDate": "{{received}}", "participants": [{"userId": "{{bob.id}}", "userName": "{{bob.userName}}", "role": "Owner"}]}
      """
    And bob's view of it agrees with his last notification
    And no one else is notified
    And alice sees it as Processing with capabilities none
    And alice no longer has it among her interactions
    When admin sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"ownerId": "{{bob.id}}", "receivedDate": "{{received}}", "participants": [{"userId": "{{bob.id}}", "userName": "{{bob.userName}}", "role": "Owner"}]}}
      """

  @B4.3 @B4.11 @B5.4
  Scenario: The former owner reads the interaction as a non-party when the target rejects it
    Given alice transfers it to bob
    And alice is notified that it is Transferred
    And bob is notified that it is Invited
    And alice is made NotReady on email
    And alice is notified that she is NotReady on email
    When bob rejects it
    Then bob is notified that he rejected it
    And bob's view of it agrees with his last notification
    # bob rejected it and nobody else is Ready: it waits in its queue
    And no one else is notified
    And alice sees it as Queued with capabilities none
    And bob sees it as Queued with capabilities none
    And bob no longer has it among his interactions

  @B1.1 @B4.3 @B4.19
  Scenario: After a transfer a third agent and the admin list it as non-parties, owned by the target
    Given alice transfers it to bob
    And alice is notified that it is Transferred
    And bob is notified that it is Invited
    And bob accepts it
    And bob is notified that it is Processing
    When carol sends GET /api/v2/interactions?fields=*
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "interactions": ["{{contains}}", {"id": "{{it}}", "state": "Processing", "capabilities": [], "ownerId": "{{bob.id}}", "participants": [{"userId": "{{bob.id}}", "userName": "{{bob.userName}}", "role": "Owner"}]}]}
      """
    When admin sends GET /api/v2/interactions?fields=*
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "interactions": ["{{contains}}", {"id": "{{it}}", "state": "Processing", "capabilities": [], "ownerId": "{{bob.id}}", "participants": [{"userId": "{{bob.id}}", "userName": "{{bob.userName}}", "role": "Owner"}]}]}
      """
    And carol does not have it among her interactions
    And alice does not have it among her interactions
    And no one else is notified
